import Foundation
import NewswatchTestSupport
import Testing

/// Batches, digest-only topics and quiet hours through the built binary (CONTRACT §10): `run --once` at chosen
/// instants (`NEWSWATCH_TEST_NOW`, the test-only clock), a loopback feed and loopback receivers.
@Suite struct DeliveryTimingCommandTests {
    /// RSS whose items carry absolute dates (the daemon runs on the test clock, not the wall clock).
    static func rss(_ items: [(guid: String, title: String, published: String)]) -> String {
        let body = items.map { item in
            """
            <item><title>\(item.title)</title><link>https://wire.example/\(item.guid)</link>
            <guid isPermaLink="false">\(item.guid)</guid><pubDate>\(item.published)</pubDate>
            <description>Reported by our correspondents.</description></item>
            """
        }.joined(separator: "\n")
        return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Wire</title>\(body)</channel></rss>"
    }

    static let feed = rss([
        ("u1", "Ceasefire talks resume in Doha", "Tue, 24 Nov 2026 23:10:00 GMT"),
        ("h1", "Harbour strike closes the port", "Tue, 24 Nov 2026 23:11:00 GMT"),
        ("m1", "Wheat prices climb again", "Tue, 24 Nov 2026 23:12:00 GMT"),
        ("m2", "Wheat harvest breaks a record", "Tue, 24 Nov 2026 23:13:00 GMT"),
        ("f1", "Village fete draws a crowd", "Tue, 24 Nov 2026 23:14:00 GMT"),
    ])

    static func config(_ dir: TemporaryDirectory, _ server: LoopbackHTTPServer) throws -> URL {
        try dir.write(
            "newswatch.toml",
            """
            [daemon]
            state_dir = "state"
            output_dir = "out"
            allow_private_networks = true
            backfill = "6h"

            [digest]
            timezone = "UTC"

            [[feeds]]
            url = "\(server.url("/wire.xml"))"
            name = "Wire"

            [[topics]]
            id = "ceasefire"
            query = 'Ceasefire'
            priority = "high"
            quiet_hours = "23:00-06:00"

            [[topics]]
            id = "harbour"
            query = 'Harbour'
            quiet_hours = "23:00-06:00"

            [[topics]]
            id = "markets"
            query = 'Wheat'
            priority = "low"
            delivery = "batch"
            batch = "15m"

            [[topics]]
            id = "fete"
            query = 'fete'
            delivery = "digest"

            [[alerts.sinks]]
            type = "webhook"
            url = "\(server.url("/hook"))"

            [[alerts.sinks]]
            type = "webhook"
            format = "teams"
            url = "\(server.url("/teams"))"
            """)
    }

    private func runOnce(_ config: URL, at now: String) throws {
        let r = try NewswatchBinary.run(
            ["run", "--once", "--config", config.path], environment: ["NEWSWATCH_TEST_NOW": now])
        #expect(r.status == 0, "\(r.stderr)")
    }

    private func json(_ request: LoopbackHTTPServer.Request) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
    }

    @Test func batchesDigestOnlyTopicsAndQuietHours() throws {
        let server = try LoopbackHTTPServer.start { request in
            request.path == "/wire.xml" ? .ok(Self.feed) : .ok("{}")
        }
        defer { server.stop() }
        let dir = try TemporaryDirectory(prefix: "newswatch-delivery")
        defer { dir.remove() }
        let config = try Self.config(dir, server)
        let check = try NewswatchBinary.run(["check-config", "--config", config.path])
        #expect(check.status == 0, "\(check.stderr)")
        for line in [
            "ceasefire: ceasefire (priority high, alerts, quiet 23:00-06:00)",
            "harbour: harbour (priority normal, alerts, quiet 23:00-06:00)",
            "markets: markets (priority low, batch every 15m)", "fete: fete (priority normal, digest only)",
        ] {
            #expect(check.stdout.contains(line), "\(line)\n\(check.stdout)")
        }

        // 23:30, in quiet hours: the file records all four alerts (not the digest-only fete); only the high-priority
        // ceasefire alert goes out; the wheat stories wait for their batch, the harbour strike for 06:00.
        try runOnce(config, at: "2026-11-24T23:30:00Z")
        let lines = try String(
            contentsOf: dir.url.appendingPathComponent("out/alerts/2026-11-24.jsonl"), encoding: .utf8
        ).split(separator: "\n")
        #expect(lines.count == 4, "\(lines)")
        #expect(!lines.contains { $0.contains("fete") })
        var hook = server.requests(for: "/hook")
        #expect(hook.count == 1)
        #expect(try hook.first.map { try json($0)["topic"] as? String } == "ceasefire")
        #expect(server.requests(for: "/teams").count == 1)

        let status = try NewswatchBinary.run(
            ["status", "--json", "--config", config.path], environment: ["NEWSWATCH_TEST_NOW": "2026-11-24T23:31:00Z"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let sinks = try #require(report["sinks"] as? [[String: Any]])
        #expect(sinks.count == 3)
        for sink in sinks.dropFirst() {
            #expect(sink["held"] as? Int == 1 && sink["batched"] as? Int == 2, "\(sink)")
            #expect(sink["next_batch"] as? String == "2026-11-24T23:45:00Z", "\(sink)")
        }
        #expect(sinks.first?["held"] as? Int == 0)

        // 23:46: the markets batch is one message listing both wheat stories.
        try runOnce(config, at: "2026-11-24T23:46:00Z")
        hook = server.requests(for: "/hook")
        #expect(hook.count == 2)
        let batch = try json(try #require(hook.last))
        #expect(batch["kind"] as? String == "batch" && batch["topic"] as? String == "markets")
        #expect(batch["period_start"] as? String == "2026-11-24T23:30:00Z")
        #expect(batch["period_end"] as? String == "2026-11-24T23:45:00Z")
        let alerts = try #require(batch["alerts"] as? [[String: Any]])
        #expect(
            alerts.compactMap { $0["title"] as? String }.sorted() == [
                "Wheat harvest breaks a record", "Wheat prices climb again",
            ])
        let teams = server.requests(for: "/teams")
        #expect(teams.count == 2)
        #expect(
            teams.last.map { $0.bodyText.contains("Wheat harvest") && $0.bodyText.contains("Wheat prices") } == true)

        // 06:01 next morning: quiet hours are over, the held harbour alert goes as one batch; nothing twice.
        try runOnce(config, at: "2026-11-25T06:01:00Z")
        try runOnce(config, at: "2026-11-25T06:20:00Z")
        hook = server.requests(for: "/hook")
        #expect(hook.count == 3)
        let held = try json(try #require(hook.last))
        #expect(held["kind"] as? String == "batch" && held["topic"] as? String == "harbour")
        #expect(held["held"] as? String == "quiet" && held["period_end"] as? String == "2026-11-25T06:00:00Z")
        #expect((held["alerts"] as? [Any])?.count == 1)
        #expect(server.requests(for: "/teams").count == 3)
        #expect(!server.requests.contains { $0.bodyText.contains("fete") })
    }

    @Test func deliveryKeysAreCheckedWithTheirLine() throws {
        let dir = try TemporaryDirectory(prefix: "newswatch-delivery")
        defer { dir.remove() }
        let config = try dir.write(
            "newswatch.toml",
            """
            [daemon]
            state_dir = "state"

            [[topics]]
            id = "a"
            query = 'a'
            delivery = "bach"

            [[topics]]
            id = "b"
            query = 'b'
            batch = "15m"

            [[topics]]
            id = "c"
            query = 'c'
            delivery = "batch"
            batch = "5s"

            [[topics]]
            id = "d"
            query = 'd'
            quiet_hours = "23:00"

            [[topics]]
            id = "e"
            query = 'e'
            alert = false
            delivery = "immediate"
            """)
        let r = try NewswatchBinary.run(["check-config", "--config", config.path])
        #expect(r.status == 78, "\(r.stderr)")
        let p = "newswatch: \(config.path):"
        for expected in [
            p + "7: topics[0].delivery: 'bach' is not a delivery (did you mean 'batch'?)",
            p + "12: topics[1].batch: batch is the period of delivery = \"batch\"",
            p + "18: topics[2].batch: '5s' is too short; batch must be at least 1m",
            p + "23: topics[3].quiet_hours: '23:00' is not a quiet-hours window",
            p + "29: topics[4].delivery: delivery = 'immediate' contradicts alert = false",
        ] {
            #expect(r.stderr.contains(expected), "\(expected)\n\(r.stderr)")
        }
    }
}
