import Foundation
import NewswatchTestSupport
import Testing

/// Hostile input through the built binary: it ends quickly with a clean exit code, never a signal, and nothing it
/// carries can drive the terminal (CONTRACT §1–2).
@Suite struct HostileInputCommandTests {
    /// True when `text` holds a C0 control other than newline and tab, DEL, or a C1 control.
    static func hasRawControl(_ text: String) -> Bool {
        text.unicodeScalars.contains {
            ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || $0.value == 0x7F || (0x80...0x9F).contains($0.value)
        }
    }

    static let escapes = "\u{1B}[2J\u{1B}]8;;https://evil.example/\u{07}\u{1B}]52;c;ZXZpbA==\u{07}\u{9B}31m"

    @Test func attributeBombExits65WithinSeconds() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        // 2.2 MB: libxml2 2.9's duplicate-attribute check alone spends far more than the bound on it.
        let attributes = (0..<200_000).map { "a\($0)=\"\"" }.joined(separator: " ")
        let feed = try dir.write(
            "bomb.xml",
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title><item \(attributes)>"
                + "<title>x</title></item></channel></rss>")
        let r = try NewswatchBinary.run(["parse", feed.path], timeout: 10)
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains("more than 256 attributes"))
    }

    @Test func hostileHTMLFieldIsDroppedWithAWarningWithinSeconds() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let attributes = (0..<100_000).map { "a\($0)=&quot;&quot;" }.joined(separator: " ")
        let feed = try dir.write(
            "html-bomb.xml",
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title><item><title>x</title>"
                + "<description>&lt;!DOCTYPE x&gt;&lt;p \(attributes)&gt;hi&lt;/p&gt;</description>"
                + "</item></channel></rss>")
        let r = try NewswatchBinary.run(["parse", feed.path, "--json"], timeout: 10)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("hostile markup"))
    }

    @Test func manyLegitimateAttributesStillParse() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let attributes = (0..<200).map { "data-a\($0)=\"x=\($0) > y\"" }.joined(separator: " ")
        let feed = try dir.write(
            "many.xml",
            "<?xml version=\"1.0\"?><rss version=\"2.0\" \(attributes)><channel><title>t</title>"
                + "<item \(attributes)><title>Ok</title><description><![CDATA[<p \(attributes)>body</p>]]>"
                + "</description></item></channel></rss>")
        let r = try NewswatchBinary.run(["parse", feed.path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty)
        #expect(r.stdout.contains("\"summary\": \"body\""))
    }

    @Test func deeplyNestedJSONFeedExits65() throws {
        let deep =
            "{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":"
            + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        let r = try NewswatchBinary.run(["parse", "-"], stdin: Data(deep.utf8), timeout: 30)
        #expect(r.status == 65, "\(r.stderr)")
    }

    @Test func deeplyNestedQueryIsAnErrorNotACrash() throws {
        let deep = String(repeating: "(", count: 20_000) + "Gaza" + String(repeating: ")", count: 20_000)
        let r = try NewswatchBinary.run(["match", "--query", deep, "--text", "Gaza"], timeout: 30)
        #expect(r.status == 64, "\(r.stderr.prefix(300))")
        #expect(r.stderr.contains("query:1:201: the query nests deeper than 200 levels"))

        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let config = try dir.write(
            "newswatch.toml",
            """
            [daemon]
            state_dir = "state"
            [[topics]]
            id = "deep"
            query = '\(deep)'
            """)
        let check = try NewswatchBinary.run(["check-config", "--config", config.path], timeout: 30)
        #expect(check.status == 78, "\(check.stderr.prefix(300))")
        #expect(check.stderr.contains("nests deeper than 200 levels"))
    }

    @Test func deeplyNestedConfigIsAConfigErrorNotACrash() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let dotted = Array(repeating: "a", count: 50_000).joined(separator: ".")
        let cases = [
            "\(dotted) = 1\n", "[\(dotted)]\nb = 1\n", "x = { \(dotted) = 1 }\n",
            "x = " + String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000) + "\n",
            "x = " + String(repeating: "{a=", count: 20_000) + "1" + String(repeating: "}", count: 20_000) + "\n",
        ]
        for (n, text) in cases.enumerated() {
            let config = try dir.write("deep\(n).toml", text)
            let r = try NewswatchBinary.run(["check-config", "--config", config.path], timeout: 30)
            #expect(r.status == 78, "case \(n): \(r.stderr.prefix(300))")
            #expect(r.stderr.contains("deep\(n).toml:1:"), "case \(n)")
        }
    }

    /// Found by `scripts/fuzz.sh config`: toml++ under TOMLKit aborted (SIGABRT, exit 134) on a table header that
    /// does not start with a key, so a typo killed `check-config` and would kill a daemon reloading the file.
    @Test func aTableHeaderWithoutAKeyIsAConfigErrorNotAnAbort() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let cases = ["[\n", "[[[t\n", "[=]\n", "[#]\n", "[.a]\n", "[,]\n", "[ \n", "a = 1\n[", "  [[ =x]]\n"]
        for (n, text) in cases.enumerated() {
            let config = try dir.write("header\(n).toml", text)
            let r = try NewswatchBinary.run(["check-config", "--config", config.path], timeout: 30)
            #expect(r.status == 78, "case \(n) \(text.debugDescription): \(r.status) \(r.stderr.prefix(300))")
            #expect(r.stderr.contains("must start with a key"), "case \(n): \(r.stderr.prefix(300))")
        }
        // The same parser asserted that a value follows an array's '[' or ',' (found by the fuzz target next).
        let values = ["a = [}]\n", "a = [1, }]\n", "a = { b = [ } ] }\n", "a = [\u{2028}]\n", "a = [\u{85}1]\n",
            "a = [\n  # c\n  }\n"]
        for (n, text) in values.enumerated() {
            let config = try dir.write("value\(n).toml", text)
            let r = try NewswatchBinary.run(["check-config", "--config", config.path], timeout: 30)
            #expect(r.status == 78, "case \(n) \(text.debugDescription): \(r.status) \(r.stderr.prefix(300))")
            #expect(r.stderr.contains("value\(n).toml:"), "case \(n): \(r.stderr.prefix(300))")
        }
        // Arrays whose lines start with '[' are values, not headers: still a good config.
        let good = try dir.write(
            "good.toml",
            """
            [daemon]
            state_dir = "state"
            [[feeds]]
            path = "feed.xml"
            tags = [
              "a", "[b]",
            ]
            nested = [
              [1, 2],
              [ 3 ],
            ]
            [[topics]]
            id = "t"
            query = '''
            [x
            '''
            [ "alerts" ]
            """)
        _ = try dir.write("feed.xml", "<rss version=\"2.0\"><channel><title>t</title></channel></rss>")
        let ok = try NewswatchBinary.run(["check-config", "--config", good.path], timeout: 30)
        #expect(!ok.stderr.contains("must start with a key"), "\(ok.stderr)")
        #expect(ok.status != 134)
    }

    @Test func terminalEscapesNeverReachParseOrMatchOutput() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let e = Self.escapes
        let object: [String: Any] = [
            "version": "https://jsonfeed.org/version/1.1", "title": "Feed" + e,
            "home_page_url": "https://example.org/" + e,
            "items": [
                ["id": "id" + e, "title": "Gaza" + e, "url": "https://example.org/a" + e, "content_text": "Gaza" + e],
                ["id": "js", "title": "Gaza js", "url": "javascript:alert(1)"],
            ],
        ]
        let json = dir.url.appendingPathComponent("feed.json")
        try JSONSerialization.data(withJSONObject: object).write(to: json)
        let xml = try dir.write(
            "feed.xml",
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T&#x9B;2J</title>"
                + "<link>https://example.org/&#x85;</link><item><title>Gaza&#x9B;31m</title>"
                + "<link>https://example.org/a&#x9B;2J</link><guid>g&#x9B;1</guid></item></channel></rss>")
        let config = try dir.write(
            "newswatch.toml",
            """
            [daemon]
            state_dir = "state"
            [[topics]]
            id = "gaza"
            query = 'Gaza'
            """)
        for feed in [json, xml] {
            for arguments in [
                ["parse", feed.path], ["parse", feed.path, "--json"],
                ["match", "--config", config.path, feed.path], ["match", "--config", config.path, feed.path, "--json"],
            ] {
                let r = try NewswatchBinary.run(arguments)
                #expect(r.status == 0, "\(arguments): \(r.stderr)")
                #expect(!Self.hasRawControl(r.stdout), "\(arguments): \(r.stdout.debugDescription)")
                #expect(!Self.hasRawControl(r.stderr), "\(arguments): \(r.stderr.debugDescription)")
                #expect(!r.stdout.contains("javascript:"), "\(arguments)")
            }
        }
    }

    @Test func terminalEscapesNeverReachStatusOrCheckConfigOutput() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        _ = try dir.write("feed.xml", "<rss version=\"2.0\"><channel><title>t</title></channel></rss>")
        let config = try dir.write(
            "newswatch.toml",
            """
            [daemon]
            state_dir = "state"
            [[feeds]]
            path = "feed.xml"
            name = "Desk \\u001B[2J\\u001B]52;c;ZXZpbA==\\u0007 \\u009B31m"
            """)
        for arguments in [["status", "--config", config.path], ["check-config", "--config", config.path]] {
            let r = try NewswatchBinary.run(arguments)
            #expect(r.status == 0, "\(arguments): \(r.stderr)")
            #expect(r.stdout.contains("Desk"), "\(arguments)")
            #expect(!Self.hasRawControl(r.stdout), "\(arguments): \(r.stdout.debugDescription)")
            #expect(!Self.hasRawControl(r.stderr), "\(arguments): \(r.stderr.debugDescription)")
        }
        let json = try NewswatchBinary.run(["status", "--config", config.path, "--json"])
        #expect(json.status == 0)
        #expect(!Self.hasRawControl(json.stdout), "\(json.stdout.debugDescription)")
        // Still the same JSON value: the name decodes to what the config says.
        let object = try #require(try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any])
        let feeds = try #require(object["feeds"] as? [[String: Any]])
        #expect(feeds.first?["name"] as? String == "Desk \u{1B}[2J\u{1B}]52;c;ZXZpbA==\u{07} \u{9B}31m")
    }
}
