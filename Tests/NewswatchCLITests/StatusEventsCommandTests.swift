import Foundation
import NewswatchTestSupport
import Testing

/// Operator events in `status` through the built binary (CONTRACT §10): a feed that went down is an open incident,
/// and each sink shows the events it is owed and has given up. `run --once` at chosen instants
/// (`NEWSWATCH_TEST_NOW`), a loopback feed and loopback receivers (one answering 500).
@Suite struct StatusEventsCommandTests {
    static func config(_ dir: TemporaryDirectory, _ server: LoopbackHTTPServer) throws -> URL {
        try dir.write(
            "newswatch.toml",
            """
            [daemon]
            state_dir = "state"
            output_dir = "out"
            allow_private_networks = true
            feed_down_after = "1h"

            [digest]
            timezone = "UTC"

            [[feeds]]
            url = "\(server.url("/wire.xml"))"
            name = "Wire"

            [[alerts.sinks]]
            type = "webhook"
            url = "\(server.url("/down"))"
            topics = []
            events = ["feed_down"]

            [[alerts.sinks]]
            type = "webhook"
            url = "\(server.url("/ok"))"
            topics = []
            events = ["feed_down"]
            """)
    }

    private func run(_ arguments: [String], at now: String) throws -> String {
        let r = try NewswatchBinary.run(arguments, environment: ["NEWSWATCH_TEST_NOW": now])
        #expect(r.status == 0, "\(r.stderr)")
        return r.stdout
    }

    private func status(_ config: URL, at now: String) throws -> [String: Any] {
        let out = try run(["status", "--json", "--config", config.path], at: now)
        return try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
    }

    @Test func aFeedDownIsAnOpenIncidentAndEachSinkShowsItsEventsPendingAndGivenUp() throws {
        let world = RunOnceTests.FeedWorld()
        world.set(
            "/wire.xml", DeliveryTimingCommandTests.rss([("w1", "Harbour reopens", "Tue, 24 Nov 2026 09:50:00 GMT")]))
        let server = try LoopbackHTTPServer.start { request in
            switch request.path {
            case "/down": .status(500)
            case "/ok": .status(204)
            default: world.handle(request)
            }
        }
        defer { server.stop() }
        let dir = try TemporaryDirectory(prefix: "newswatch-status-events")
        defer { dir.remove() }
        let config = try Self.config(dir, server)

        _ = try run(["run", "--once", "--config", config.path], at: "2026-11-24T10:00:00Z")
        world.set("/wire.xml", status: 500, "")
        _ = try run(["run", "--once", "--config", config.path], at: "2026-11-24T12:00:00Z")
        #expect(server.requests(for: "/ok").count == 1)
        #expect(server.requests(for: "/down").count == 1)

        var report = try status(config, at: "2026-11-24T12:01:00Z")
        let incidents = try #require(report["incidents"] as? [[String: Any]])
        try #require(incidents.count == 1, "\(incidents)")
        #expect(incidents[0]["kind"] as? String == "feed_down")
        #expect(incidents[0]["feed"] as? String == "Wire")
        #expect(incidents[0]["url"] as? String == server.url("/wire.xml"))
        #expect(incidents[0]["since"] as? String == "2026-11-24T10:00:00Z")
        #expect((incidents[0]["error"] as? String)?.contains("500") == true, "\(incidents[0])")
        var sinks = try #require(report["sinks"] as? [[String: Any]])
        #expect(sinks.map { $0["events_pending"] as? Int } == [0, 1, 0], "\(sinks)")
        #expect(sinks.map { $0["events_given_up"] as? Int } == [0, 0, 0], "\(sinks)")
        #expect(sinks.allSatisfy { $0["pending"] != nil && $0["held"] != nil && $0["next_batch"] != nil })
        #expect(report["feeds"] != nil && report["totals"] != nil && report["verdicts"] != nil)
        let table = try run(["status", "--config", config.path], at: "2026-11-24T12:01:00Z")
        #expect(table.contains("EVENTS PENDING"), "\(table)")
        #expect(
            table.split(separator: "\n").contains { $0.hasPrefix("feed_down ") && $0.contains("Wire") }, "\(table)")

        // A day later the event to the failing sink is given up; the feed is still down.
        _ = try run(["run", "--once", "--config", config.path], at: "2026-11-25T13:00:00Z")
        report = try status(config, at: "2026-11-25T13:01:00Z")
        sinks = try #require(report["sinks"] as? [[String: Any]])
        #expect(sinks.map { $0["events_pending"] as? Int } == [0, 0, 0], "\(sinks)")
        #expect(sinks.map { $0["events_given_up"] as? Int } == [0, 1, 0], "\(sinks)")
        #expect((report["incidents"] as? [Any])?.count == 1)
    }
}
