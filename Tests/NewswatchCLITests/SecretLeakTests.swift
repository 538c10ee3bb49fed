import Foundation
import NewswatchTestSupport
import Testing

/// No credential leaves the request (CONTRACT §4): the built binary polls a loopback feed behind HTTP Basic auth and
/// delivers to webhooks whose URLs carry tokens; then every output a user or an editor sees, and the raw bytes of
/// every file it wrote, are searched for the secrets.
@Suite struct SecretLeakTests {
    static let user = "newsdesk-user"
    static let password = "s3cret-pass-7731"
    static let pathToken = "XT0KEN-path-4412"
    static let queryToken = "QT0KEN-query-9935"

    /// Every file under `directories`, with the secrets found in its bytes.
    static func leaks(_ secrets: [String], in directories: [URL]) -> [String] {
        var found: [String] = []
        for directory in directories {
            let files = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
            while let file = files?.nextObject() as? URL {
                guard let bytes = try? Data(contentsOf: file) else { continue }
                for secret in secrets where bytes.range(of: Data(secret.utf8)) != nil {
                    found.append("\(secret) in \(file.path)")
                }
            }
        }
        return found
    }

    static func leaks(_ secrets: [String], in texts: [(String, String)]) -> [String] {
        texts.flatMap { name, text in secrets.filter { text.contains($0) }.map { "\($0) in \(name)" } }
    }

    /// A config in `dir` polling `feeds` (TOML `[[feeds]]` entries) for the topic `gaza`, alerting `sinks`.
    static func config(_ dir: TemporaryDirectory, feeds: String, sinks: String) throws -> URL {
        try dir.write(
            "newswatch.toml",
            """
            [daemon]
            state_dir = "state"
            output_dir = "out"
            allow_private_networks = true

            [digest]
            timezone = "UTC"

            \(feeds)

            [[topics]]
            id = "gaza"
            name = "Gaza"
            query = 'Gaza OR Rafah'

            \(sinks)
            """)
    }

    /// Digests issued today and tomorrow (UTC): one of them covers now, whatever the hour.
    static func writeDigests(_ config: URL) throws -> [NewswatchBinary.Result] {
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "UTC")
        format.dateFormat = "yyyy-MM-dd"
        return try [Date(), Date().addingTimeInterval(86400)].map {
            try NewswatchBinary.run(["digest", "--config", config.path, "--date", format.string(from: $0)])
        }
    }

    @Test func feedCredentialsReachOnlyTheRequest() throws {
        let expected = "Basic " + Data("\(Self.user):\(Self.password)".utf8).base64EncodedString()
        let feed = RunOnceTests.rss(
            "Desk", [("d1", "Israeli strikes hit Rafah overnight", "/story/rafah", 300)])
        let server = try LoopbackHTTPServer.start { request in
            switch request.path {
            case "/feed.xml":
                return request.header("Authorization") == expected ? .ok(feed) : .status(401)
            case "/hook": return .status(204)
            default: return .status(500)  // /broken.xml: a failing feed, so its URL is in status and the digest
            }
        }
        defer { server.stop() }
        let dir = try TemporaryDirectory(prefix: "newswatch-leak")
        defer { dir.remove() }
        let credentialed = server.baseURL.replacingOccurrences(
            of: "http://", with: "http://\(Self.user):\(Self.password)@")
        let config = try Self.config(
            dir,
            feeds: """
                [[feeds]]
                url = "\(credentialed)/feed.xml"
                name = "Desk"

                [[feeds]]
                url = "\(credentialed)/broken.xml"
                """,
            sinks: """
                [[alerts.sinks]]
                type = "webhook"
                url = "\(server.url("/hook"))"
                """)
        let run = try NewswatchBinary.run(["run", "--once", "--config", config.path, "--log-level", "trace"])
        #expect(run.status == 0, "\(run.stderr)")
        // The credentials did reach the server, as HTTP Basic auth.
        #expect(server.requests(for: "/feed.xml").contains { $0.header("Authorization") == expected })

        let alertFiles = try FileManager.default.contentsOfDirectory(atPath: dir.file("out/alerts").path)
            .filter { $0.hasSuffix(".jsonl") }
        let alertText = try String(contentsOf: dir.file("out/alerts/" + alertFiles[0]), encoding: .utf8)
        let alert = try #require(
            try JSONSerialization.jsonObject(with: Data(alertText.split(separator: "\n")[0].utf8)) as? [String: Any])
        let redacted = server.baseURL.replacingOccurrences(of: "http://", with: "http://***@")
        #expect(alert["feed_url"] as? String == redacted + "/feed.xml")
        // A relative link resolves against the URL without user-info: clickable, and no credential in it.
        #expect(alert["link"] as? String == server.url("/story/rafah"))
        let posted = server.requests(for: "/hook").map(\.bodyText).joined()
        #expect(posted.contains("\"feed_url\":\"http:\\/\\/***@") || posted.contains("\"feed_url\":\"http://***@"))

        let status = try NewswatchBinary.run(["status", "--config", config.path])
        let statusJSON = try NewswatchBinary.run(["status", "--config", config.path, "--json"])
        let check = try NewswatchBinary.run(["check-config", "--config", config.path])
        let digests = try Self.writeDigests(config)
        #expect(status.status == 0 && statusJSON.status == 0 && check.status == 0, "\(status.stderr)\(check.stderr)")
        #expect(digests.allSatisfy { $0.status == 0 }, "\(digests.map(\.stderr))")
        #expect(statusJSON.stdout.contains("***@127.0.0.1"), "\(statusJSON.stdout)")
        #expect(check.stdout.contains("url \(redacted)/feed.xml"), "\(check.stdout)")

        let digestDir = dir.file("out/digests")
        let digestFiles = try FileManager.default.contentsOfDirectory(atPath: digestDir.path)
        #expect(Set(digestFiles.map { ($0 as NSString).pathExtension }) == ["md", "html", "json"])
        let markdown = try digestFiles.filter { $0.hasSuffix(".md") }.map {
            try String(contentsOf: digestDir.appendingPathComponent($0), encoding: .utf8)
        }.joined()
        // The failing feed is in the feed-health section, shown by its redacted URL.
        #expect(markdown.contains(redacted + "/broken.xml"), "\(markdown)")

        let secrets = [Self.user, Self.password]
        let outputs = [
            ("run stderr", run.stderr), ("run stdout", run.stdout), ("status", status.stdout),
            ("status stderr", status.stderr), ("status --json", statusJSON.stdout), ("check-config", check.stdout),
            ("digest", digests.map { $0.stdout + $0.stderr }.joined()), ("webhook body", posted),
        ]
        #expect(Self.leaks(secrets, in: outputs).isEmpty, "\(Self.leaks(secrets, in: outputs))")
        let files = Self.leaks(secrets, in: [dir.file("state"), dir.file("out")])
        #expect(files.isEmpty, "\(files)")
    }

    @Test func webhookTokensNeverReachLogsStatusOrTheDatabase() throws {
        let feed = RunOnceTests.rss("Wire", [("w1", "Aid convoy reaches Gaza", "https://wire.example/aid", 300)])
        let server = try LoopbackHTTPServer.start { request in
            switch request.path {
            case "/wire.xml": return .ok(feed)
            // One receiver hangs up at once (a transport failure that used to quote the whole URL); the other
            // rejects the post and echoes the URL it was given, as some servers do.
            case "/services/T000/B000/\(Self.pathToken)": return .drop
            default: return .init(status: 404, body: .bytes(Data("no such hook: \(request.target)".utf8)))
            }
        }
        defer { server.stop() }
        let dir = try TemporaryDirectory(prefix: "newswatch-leak")
        defer { dir.remove() }
        let token = "\(Self.pathToken)?token=\(Self.queryToken)"
        let config = try Self.config(
            dir,
            feeds: """
                [[feeds]]
                url = "\(server.url("/wire.xml"))"
                name = "Wire"
                """,
            sinks: """
                [[alerts.sinks]]
                type = "webhook"
                url = "\(server.url("/services/T000/B000/"))\(token)"
                format = "slack"

                [[alerts.sinks]]
                type = "webhook"
                url = "\(server.url("/hooks/"))\(token)"
                """)
        let run = try NewswatchBinary.run(["run", "--once", "--config", config.path, "--log-level", "trace"])
        #expect(run.status == 0, "\(run.stderr)")
        // Both webhooks were tried (with their tokens) and failed, and the failures were logged.
        #expect(server.requests.contains { $0.path == "/services/T000/B000/\(Self.pathToken)" })
        #expect(server.requests.contains { $0.path == "/hooks/\(Self.pathToken)" })
        #expect(run.stderr.contains("webhook \(server.baseURL)/…"), "\(run.stderr)")
        #expect(run.stderr.contains("answered HTTP 404"), "\(run.stderr)")

        let status = try NewswatchBinary.run(["status", "--config", config.path])
        let statusJSON = try NewswatchBinary.run(["status", "--config", config.path, "--json"])
        let check = try NewswatchBinary.run(["check-config", "--config", config.path])
        #expect(status.status == 0 && statusJSON.status == 0 && check.status == 0, "\(status.stderr)\(check.stderr)")
        #expect(status.stdout.contains("\(server.baseURL)/…"), "sinks are shown by origin: \(status.stdout)")
        #expect(check.stdout.contains("webhook: \(server.baseURL)/… (format slack"), "\(check.stdout)")

        let secrets = [Self.pathToken, Self.queryToken]
        let outputs = [
            ("run stderr", run.stderr), ("run stdout", run.stdout), ("status", status.stdout),
            ("status --json", statusJSON.stdout), ("check-config", check.stdout + check.stderr),
        ]
        #expect(Self.leaks(secrets, in: outputs).isEmpty, "\(Self.leaks(secrets, in: outputs))")
        let files = Self.leaks(secrets, in: [dir.file("state"), dir.file("out")])
        #expect(files.isEmpty, "\(files)")
    }
}
