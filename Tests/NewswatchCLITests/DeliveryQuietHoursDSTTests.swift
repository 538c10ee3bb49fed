import Foundation
import NewswatchTestSupport
import Testing

/// Quiet hours across a DST change through the built binary (CONTRACT §10): `quiet_hours = "23:00-06:00"` in
/// Europe/London on the night the clocks go back (25 October 2026, 02:00 BST → 01:00 GMT), so the window runs from
/// 22:00Z to 06:00Z, eight hours. `run --once` at chosen instants (`NEWSWATCH_TEST_NOW`).
@Suite struct DeliveryQuietHoursDSTTests {
    static let feed = DeliveryTimingCommandTests.rss([
        ("h1", "Harbour strike closes the port", "Sat, 24 Oct 2026 23:10:00 GMT")
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
            timezone = "Europe/London"

            [[feeds]]
            url = "\(server.url("/wire.xml"))"
            name = "Wire"

            [[topics]]
            id = "harbour"
            query = 'Harbour'
            quiet_hours = "23:00-06:00"

            [[alerts.sinks]]
            type = "webhook"
            url = "\(server.url("/hook"))"
            """)
    }

    private func runOnce(_ config: URL, at now: String) throws {
        let r = try NewswatchBinary.run(
            ["run", "--once", "--config", config.path], environment: ["NEWSWATCH_TEST_NOW": now])
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test func anAlertHeldThroughTheNightTheClocksGoBackGoesOnceAtTheWindowsRealEnd() throws {
        let server = try LoopbackHTTPServer.start { request in
            request.path == "/wire.xml" ? .ok(Self.feed) : .ok("{}")
        }
        defer { server.stop() }
        let dir = try TemporaryDirectory(prefix: "newswatch-dst")
        defer { dir.remove() }
        let config = try Self.config(dir, server)

        // 00:30 BST: in quiet hours; the alert is recorded and held.
        try runOnce(config, at: "2026-10-24T23:30:00Z")
        #expect(AlertFiles.lines(in: dir.url.appendingPathComponent("out/alerts")).count == 1)
        #expect(server.requests(for: "/hook").isEmpty)
        // 05:30 GMT — 06:30 by the summer clock: a window that kept the summer offset would have ended at 05:00Z.
        try runOnce(config, at: "2026-10-25T05:30:00Z")
        #expect(server.requests(for: "/hook").isEmpty, "released by the summer offset")
        // 06:01 GMT: the window's real end; the held alert goes once.
        try runOnce(config, at: "2026-10-25T06:01:00Z")
        try runOnce(config, at: "2026-10-25T06:20:00Z")
        let hook = server.requests(for: "/hook")
        try #require(hook.count == 1, "\(hook.map(\.bodyText))")
        let held = try #require(try JSONSerialization.jsonObject(with: hook[0].body) as? [String: Any])
        #expect(held["kind"] as? String == "batch" && held["held"] as? String == "quiet", "\(held)")
        #expect(held["period_start"] as? String == "2026-10-24T22:00:00Z", "\(held)")
        #expect(held["period_end"] as? String == "2026-10-25T06:00:00Z", "\(held)")
        #expect((held["alerts"] as? [[String: Any]])?.first?["title"] as? String == "Harbour strike closes the port")
    }
}
