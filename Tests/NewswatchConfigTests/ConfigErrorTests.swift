import Foundation
import NewswatchConfig
import Testing

/// One test per class of configuration error: the kind, the line, the key path, and a message that says what
/// would be valid. All of them end a command with exit 78.
@Suite struct ConfigErrorTests {
    private func expect(
        _ toml: String, files: [String: String] = [:], kind: ConfigError.Kind, line: Int?, keyPath: String?,
        mentions: [String] = [], sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let e = try ConfigTestSupport.error(toml, files: files, sourceLocation: sourceLocation)
        #expect(e.kind == kind, "\(e)", sourceLocation: sourceLocation)
        #expect(e.line == line, "\(e)", sourceLocation: sourceLocation)
        #expect(e.keyPath == keyPath, "\(e)", sourceLocation: sourceLocation)
        #expect(e.exitCode == 78, sourceLocation: sourceLocation)
        #expect(e.file.hasSuffix("/newswatch.toml"), sourceLocation: sourceLocation)
        if let line {
            #expect(e.description.contains("newswatch.toml:\(line)"), "\(e)", sourceLocation: sourceLocation)
        }
        for m in mentions {
            #expect(e.description.contains(m), "\(e) should mention \(m)", sourceLocation: sourceLocation)
        }
        #expect(!e.description.contains("\n"), sourceLocation: sourceLocation)
    }

    @Test func syntaxErrorsCarryLineAndColumn() throws {
        let e = try ConfigTestSupport.error("[daemon]\ninterval = \"10m\"\nconcurrency = = 4\n")
        #expect(e.kind == .syntax)
        #expect(e.line == 3)
        #expect(e.column != nil)
        #expect(e.description.contains("newswatch.toml:3:"))
        #expect(e.exitCode == 78)
        let dup = try ConfigTestSupport.error("[daemon]\ninterval = \"1m\"\ninterval = \"2m\"\n")
        #expect(dup.kind == .syntax && dup.line == 3)
    }

    @Test func unknownKeysSuggestTheNearestValidKey() throws {
        try expect(
            "[daemon]\nconcurrency = 4\nintervall = \"5m\"\n", kind: .unknownKey, line: 3, keyPath: "daemon.intervall",
            mentions: ["did you mean 'interval'?", "valid keys in daemon:", "user_agent"])
        try expect("[deamon]\n", kind: .unknownKey, line: 1, keyPath: "deamon", mentions: ["'daemon'"])
        try expect(
            "[[feeds]]\nurl = \"https://a.example/rss\"\n\n[[feeds]]\nurl = \"https://b.example/rss\"\ntag = [\"x\"]\n",
            kind: .unknownKey, line: 6, keyPath: "feeds[1].tag", mentions: ["'tags'"])
        try expect(
            "[[topics]]\nid = \"a\"\nquery = \"x\"\npriorty = \"high\"\n", kind: .unknownKey, line: 4,
            keyPath: "topics[0].priorty", mentions: ["'priority'"])
        // Keys of one sink type are unknown on another.
        try expect(
            "[[alerts.sinks]]\ntype = \"exec\"\ncommand = [\"x\"]\nurl = \"https://h.example/\"\n", kind: .unknownKey,
            line: 4, keyPath: "alerts.sinks[0].url", mentions: ["command", "timeout"])
    }

    @Test func wrongTypesNameTheExpectedType() throws {
        try expect(
            "[daemon]\nconcurrency = \"16\"\n", kind: .wrongType, line: 2, keyPath: "daemon.concurrency",
            mentions: ["expected an integer, found a string", "concurrency = 16"])
        try expect(
            "[daemon]\nallow_private_networks = \"yes\"\n", kind: .wrongType, line: 2,
            keyPath: "daemon.allow_private_networks", mentions: ["boolean"])
        try expect(
            "[daemon]\ninterval = 600\n", kind: .wrongType, line: 2, keyPath: "daemon.interval",
            mentions: ["duration string", "\"10m\""])
        try expect("daemon = 5\n", kind: .wrongType, line: 1, keyPath: "daemon", mentions: ["a table"])
        try expect(
            "[[feeds]]\nurl = \"https://a.example/\"\ntags = \"world\"\n", kind: .wrongType, line: 3,
            keyPath: "feeds[0].tags", mentions: ["array of strings"])
        try expect(
            "[[topics]]\nid = \"a\"\nquery = \"x\"\nfeeds = [\"ok\", 3]\n", kind: .wrongType, line: 4,
            keyPath: "topics[0].feeds[1]", mentions: ["found an integer"])
        try expect(
            "[feeds]\nurl = \"https://a.example/\"\n", kind: .wrongType, line: 1, keyPath: "feeds",
            mentions: ["[[feeds]]"])
    }

    @Test func missingRequiredKeysPointAtTheirTable() throws {
        try expect(
            "[[topics]]\nid = \"a\"\nquery = \"x\"\n\n[[topics]]\nid = \"b\"\nname = \"B\"\n", kind: .missingKey,
            line: 5,
            keyPath: "topics[1]", mentions: ["missing key 'query'"])
        try expect("[[topics]]\nquery = \"x\"\n", kind: .missingKey, line: 1, keyPath: "topics[0]", mentions: ["'id'"])
        try expect(
            "[[alerts.sinks]]\nurl = \"https://h.example/\"\n", kind: .missingKey, line: 1, keyPath: "alerts.sinks[0]",
            mentions: ["'type'"])
        try expect(
            "[[alerts.sinks]]\ntype = \"email\"\nurl = \"smtp://m.example\"\nfrom = \"a@b.example\"\n",
            kind: .missingKey, line: 1, keyPath: "alerts.sinks[0]", mentions: ["'to'"])
    }

    @Test func duplicateIdsFeedsAndNamesAreErrors() throws {
        try expect(
            "[[topics]]\nid = \"gaza\"\nquery = \"a\"\n\n[[topics]]\nid = \"gaza\"\nquery = \"b\"\n", kind: .duplicate,
            line: 6, keyPath: "topics[1].id", mentions: ["topics[0] (line 1)"])
        // Scheme and host are case-insensitive.
        try expect(
            "[[feeds]]\nurl = \"https://www.example.org/rss\"\n\n[[feeds]]\nurl = \"HTTPS://WWW.EXAMPLE.ORG/rss\"\n",
            kind: .duplicate, line: 4, keyPath: "feeds[1]", mentions: ["feeds[0] (line 1)", "list each feed once"])
        try expect(
            "[[feeds]]\nurl = \"https://a.example/rss\"\nname = \"Wire\"\n\n[[feeds]]\nurl = \"https://b.example/rss\"\n"
                + "name = \"Wire\"\n", kind: .duplicate, line: 7, keyPath: "feeds[1].name", mentions: ["'Wire'"])
        try expect(
            "[digest]\nformats = [\"md\", \"md\"]\n", kind: .duplicate, line: 2, keyPath: "digest.formats[1]")
    }

    @Test func badDurationsAndSizes() throws {
        try expect(
            "[daemon]\nretention = \"30 days\"\n", kind: .badDuration, line: 2, keyPath: "daemon.retention",
            mentions: ["'30 days'", "90s, 10m, 6h, 30d"])
        try expect(
            "[daemon]\ninterval = \"0s\"\n", kind: .badDuration, line: 2, keyPath: "daemon.interval",
            mentions: ["at least 1s"])
        try expect(
            "[[feeds]]\nurl = \"https://a.example/\"\ninterval = \"5\"\n", kind: .badDuration, line: 3,
            keyPath: "feeds[0].interval")
        try expect(
            "[[alerts.sinks]]\ntype = \"exec\"\ncommand = [\"x\"]\ntimeout = \"soon\"\n", kind: .badDuration, line: 4,
            keyPath: "alerts.sinks[0].timeout")
        try expect(
            "[daemon]\nmax_body = \"10 megs\"\n", kind: .badSize, line: 2, keyPath: "daemon.max_body",
            mentions: ["10MiB"])
        // backfill may be zero (never alert on a first fetch); the rest may not.
        #expect(try ConfigTestSupport.load("[daemon]\nbackfill = \"0s\"\n").config.daemon.backfill.seconds == 0)
    }

    @Test func unknownTimeZonesAndTimes() throws {
        try expect(
            "[digest]\ntime = \"07:00\"\ntimezone = \"Asia/Jerusalm\"\n", kind: .badTimeZone, line: 3,
            keyPath: "digest.timezone", mentions: ["'Asia/Jerusalm'", "did you mean 'Asia/Jerusalem'?", "IANA"])
        try expect("[digest]\ntimezone = \"Mars/Olympus\"\n", kind: .badTimeZone, line: 2, keyPath: "digest.timezone")
        try expect(
            "[digest]\ntime = \"7am\"\n", kind: .invalidValue, line: 2, keyPath: "digest.time",
            mentions: ["HH:MM"])
        try expect("[digest]\ntime = \"24:00\"\n", kind: .invalidValue, line: 2, keyPath: "digest.time")
        try expect(
            "[digest]\nformats = [\"pdf\"]\n", kind: .invalidValue, line: 2, keyPath: "digest.formats[0]",
            mentions: ["md, html or json"])
        try expect(
            "[daemon]\nlog_level = \"verbose\"\n", kind: .invalidValue, line: 2, keyPath: "daemon.log_level",
            mentions: ["trace", "critical"])
        try expect(
            "[daemon]\nconcurrency = 0\n", kind: .invalidValue, line: 2, keyPath: "daemon.concurrency",
            mentions: ["from 1 to 1024"])
    }

    @Test func topicIdsAndPriorities() throws {
        try expect(
            "[[topics]]\nid = \"Gaza Strip\"\nquery = \"x\"\n", kind: .badTopicID, line: 2, keyPath: "topics[0].id",
            mentions: ["lower-case", "'gaza-strip'"])
        try expect("[[topics]]\nid = \"-gaza\"\nquery = \"x\"\n", kind: .badTopicID, line: 2, keyPath: "topics[0].id")
        try expect(
            "[[topics]]\nid = \"\(String(repeating: "a", count: 65))\"\nquery = \"x\"\n", kind: .badTopicID, line: 2,
            keyPath: "topics[0].id")
        try expect(
            "[[topics]]\nid = \"gaza\"\nquery = \"x\"\npriority = \"High\"\n", kind: .badPriority, line: 4,
            keyPath: "topics[0].priority", mentions: ["did you mean 'high'?", "low, normal or high"])
        try expect(
            "[[topics]]\nid = \"gaza\"\nquery = \"x\"\n\n[[alerts.sinks]]\ntype = \"exec\"\ncommand = [\"x\"]\n"
                + "topics = [\"gazza\"]\n", kind: .badTopicID, line: 8, keyPath: "alerts.sinks[0].topics[0]",
            mentions: ["did you mean 'gaza'?"])
    }

    @Test func badQueriesNameTheFileColumn() throws {
        // `query = '` is 9 characters: the query's column c is the file's column 9 + c.
        let e = try ConfigTestSupport.error("[[topics]]\nid = \"gaza\"\nquery = 'Gaza OR'\n")
        #expect(e.kind == .badQuery)
        #expect(e.line == 3 && e.column == 17)
        #expect(e.keyPath == "topics[0].query")
        #expect(
            e.description.hasSuffix(
                "newswatch.toml:3:17: topics[0].query: query error at column 8 of the query: expected a term after OR"))
        // Escapes in a basic string are one query character each.
        let escaped = try ConfigTestSupport.error("[[topics]]\nid = \"t\"\nquery = \"\\\"US\\\" (Israel\"\n")
        #expect(escaped.line == 3 && escaped.column == 17)  // `query = "\"US\" (`: the `(` is file column 17
        let exclude = try ConfigTestSupport.error("[[topics]]\nid = \"t\"\nquery = \"a\"\n  exclude   =   \"b)\"\n")
        #expect(exclude.keyPath == "topics[0].exclude" && exclude.line == 4 && exclude.column == 19)
        // Multi-line queries: the query's own lines are counted from the line after the opening quotes.
        let multi = try ConfigTestSupport.error("[[topics]]\nid = \"t\"\nquery = '''\n  a OR\n  (b OR c\n'''\n")
        #expect(multi.line == 5 && multi.column == 3)
        #expect(multi.description.contains("newswatch.toml:5:3: topics[0].query: query error at line 2, column 3"))
        // Text on the opening line: `query = '''` is 11 characters, then `x (`.
        let sameLine = try ConfigTestSupport.error("[[topics]]\nid = \"t\"\nquery = '''x (\ny'''\n")
        #expect(sameLine.line == 3 && sameLine.column == 14)
        let second = try ConfigTestSupport.error("[[topics]]\nid = \"t\"\nquery = '''x OR\ny)'''\n")
        #expect(second.line == 4 && second.column == 2)
        try expect(
            "[[topics]]\nid = \"t\"\nquery = \"   \"\n", kind: .invalidValue, line: 3, keyPath: "topics[0].query")
    }

    @Test func feedEntriesNeedExactlyOneSource() throws {
        try expect(
            "[[feeds]]\nname = \"Nothing\"\ntags = [\"x\"]\n", kind: .feedSource, line: 1, keyPath: "feeds[0]",
            mentions: ["exactly one of url, path or opml", "found none"])
        try expect(
            "[[feeds]]\nurl = \"https://a.example/\"\n\n[[feeds]]\nurl = \"https://b.example/\"\npath = \"b.xml\"\n",
            files: ["b.xml": "<rss/>"], kind: .feedSource, line: 4, keyPath: "feeds[1]", mentions: ["url and path"])
        try expect(
            "[[feeds]]\nopml = \"a.opml\"\nname = \"A\"\n", files: ["a.opml": "<opml><body/></opml>"],
            kind: .invalidValue, line: 3, keyPath: "feeds[0].name")
    }

    @Test func missingFilesAreNamedWithTheirResolvedPath() throws {
        let e = try ConfigTestSupport.error("[[feeds]]\npath = \"local/wire.xml\"\n")
        #expect(e.kind == .missingFile && e.line == 2 && e.keyPath == "feeds[0].path")
        #expect(e.description.contains("/local/wire.xml") && e.description.contains("relative to"))
        try expect("[[feeds]]\nopml = \"subs.opml\"\n", kind: .missingFile, line: 2, keyPath: "feeds[0].opml")
        try expect(
            "[[alerts.sinks]]\ntype = \"webhook\"\nurl = \"https://h.example/x\"\nsecret_file = \"/nonexistent/s\"\n",
            kind: .missingFile, line: 4, keyPath: "alerts.sinks[0].secret_file", mentions: ["/nonexistent/s"])
        try expect(
            "[[alerts.sinks]]\ntype = \"exec\"\ncommand = [\"./bin/notify\", \"-u\"]\n", kind: .missingFile, line: 3,
            keyPath: "alerts.sinks[0].command[0]")
        try expect(
            "[[feeds]]\npath = \"dir\"\n", files: ["dir/x": ""], kind: .missingFile, line: 2,
            keyPath: "feeds[0].path", mentions: ["is a directory"])
        // Relative paths are relative to the config file, not the working directory.
        let ok = try ConfigTestSupport.load(
            "[[feeds]]\npath = \"local/wire.xml\"\n", files: ["local/wire.xml": "<rss/>"])
        guard case .file(let f) = ok.config.feeds[0].source else {
            Issue.record("not a file feed")
            return
        }
        #expect(f.path.hasSuffix("/local/wire.xml") && f.path.contains("/newswatch-config-"))
    }

    @Test func badURLsAndSchemes() throws {
        try expect(
            "[[feeds]]\nurl = \"ftp://files.example/feed.xml\"\n", kind: .badURL, line: 2, keyPath: "feeds[0].url",
            mentions: ["'ftp'", "http or https", "path ="])
        try expect("[[feeds]]\nurl = \"file:///etc/passwd\"\n", kind: .badURL, line: 2, keyPath: "feeds[0].url")
        try expect("[[feeds]]\nurl = \"example.org/rss\"\n", kind: .badURL, line: 2, keyPath: "feeds[0].url")
        try expect("[[feeds]]\nurl = \"https://\"\n", kind: .badURL, line: 2, keyPath: "feeds[0].url")
        try expect(
            "[[alerts.sinks]]\ntype = \"email\"\nurl = \"https://mail.example\"\nfrom = \"a@b.example\"\nto = [\"c@d.example\"]\n",
            kind: .badURL, line: 3, keyPath: "alerts.sinks[0].url", mentions: ["smtps://"])
        try expect(
            "[[alerts.sinks]]\ntype = \"webhook\"\nurl = \"javascript:alert(1)\"\n", kind: .badURL, line: 3,
            keyPath: "alerts.sinks[0].url")
    }

    @Test func opmlThatIsNotOPML() throws {
        try expect(
            "[[feeds]]\nopml = \"subs.opml\"\n", files: ["subs.opml": "<html><body>hi</body></html>"], kind: .badOPML,
            line: 2, keyPath: "feeds[0].opml", mentions: ["not a usable OPML file", "<html>"])
        try expect(
            "[[feeds]]\nopml = \"subs.opml\"\n", files: ["subs.opml": ""], kind: .badOPML, line: 2,
            keyPath: "feeds[0].opml")
    }

    @Test func topicFeedFiltersMustNameAFeedOrTag() throws {
        let base = "[[feeds]]\nurl = \"https://a.example/\"\nname = \"Wire\"\ntags = [\"middle-east\"]\n\n"
        try expect(
            base + "[[topics]]\nid = \"t\"\nquery = \"x\"\nfeeds = [\"tag:middle-eats\"]\n",
            kind: .unknownFeedReference,
            line: 9, keyPath: "topics[0].feeds[0]", mentions: ["did you mean 'tag:middle-east'?"])
        try expect(
            base + "[[topics]]\nid = \"t\"\nquery = \"x\"\nfeeds = [\"Wier\"]\n", kind: .unknownFeedReference, line: 9,
            keyPath: "topics[0].feeds[0]", mentions: ["did you mean 'Wire'?"])
        #expect(
            try ConfigTestSupport.load(
                base + "[[topics]]\nid = \"t\"\nquery = \"x\"\nfeeds = [\"Wire\", \"tag:middle-east\"]\n"
            )
            .config.topics[0].feeds == ["Wire", "tag:middle-east"])
    }

    @Test func sinkValuesAreChecked() throws {
        try expect(
            "[[alerts.sinks]]\ntype = \"slack\"\n", kind: .invalidValue, line: 2, keyPath: "alerts.sinks[0].type",
            mentions: ["webhook, email or exec"])
        try expect(
            "[[alerts.sinks]]\ntype = \"webhook\"\nurl = \"https://h.example/\"\nformat = \"xml\"\n",
            kind: .invalidValue,
            line: 4, keyPath: "alerts.sinks[0].format", mentions: ["json, slack, teams, ntfy, telegram, matrix"])
        try expect(
            "[[alerts.sinks]]\ntype = \"email\"\nurl = \"smtp://m.example\"\nfrom = \"a@b.example\"\nto = []\n",
            kind: .invalidValue, line: 5, keyPath: "alerts.sinks[0].to")
        try expect(
            "[[alerts.sinks]]\ntype = \"email\"\nurl = \"smtp://m.example\"\nfrom = \"a@b.example\"\nto = [\"desk\"]\n",
            kind: .invalidValue, line: 5, keyPath: "alerts.sinks[0].to[0]")
        try expect(
            "[[alerts.sinks]]\ntype = \"exec\"\ncommand = []\n", kind: .invalidValue, line: 3,
            keyPath: "alerts.sinks[0].command")
        try expect(
            "[[alerts.sinks]]\ntype = \"webhook\"\nurl = \"https://h.example/\"\nmax_per_hour = 0\n",
            kind: .invalidValue,
            line: 4, keyPath: "alerts.sinks[0].max_per_hour")
        try expect("[alerts]\nsink = []\n", kind: .unknownKey, line: 2, keyPath: "alerts.sink", mentions: ["'sinks'"])
    }

    @Test func everyProblemIsReportedInFileOrder() throws {
        let e = try ConfigTestSupport.error(
            """
            [daemon]
            interval = "often"
            workers = 4

            [[topics]]
            id = "Bad Id"
            query = "(x"
            priority = "urgent"
            """)
        let lines = [e.line] + e.others.map(\.line)
        #expect(lines == [2, 3, 6, 7, 8])
        #expect([e.kind] + e.others.map(\.kind) == [.badDuration, .unknownKey, .badTopicID, .badQuery, .badPriority])
        #expect(e.allDescriptions.count == 5)
    }
}
