import Foundation
import NewswatchTestSupport
import Testing

/// Issue 19 item 1: one absurd scheduling header (`Retry-After`, `Cache-Control: max-age`, `Expires`, RSS `<ttl>`)
/// once killed `run --once` with SIGILL (a trapping `Int64` conversion when the schedule was stored), and would kill
/// the daemon every time that feed came due. The built binary against loopback feeds that send them.
@Suite struct HostileScheduleTests {
    static let absurd = "99999999999999999999999"

    static func rss(ttl: String) -> String {
        """
        <?xml version="1.0"?><rss version="2.0"><channel><title>Far</title><ttl>\(ttl)</ttl>
        <item><title>Aid convoy reaches Gaza</title><link>https://far.example/aid</link><guid>far-1</guid></item>
        </channel></rss>
        """
    }

    static func routes() -> [String: LoopbackHTTPServer.Response] {
        [
            "/busy.xml": .status(503, headers: [("Retry-After", absurd)]),
            "/throttled.xml": .status(429, headers: [("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT")]),
            "/cached.xml": .ok(
                rss(ttl: "9223372036854775807"),
                headers: [
                    ("Cache-Control", "max-age=\(absurd)"), ("Expires", "Fri, 31 Dec 9999 23:59:59 GMT"),
                ]),
        ]
    }

    func config(_ dir: TemporaryDirectory, _ server: LoopbackHTTPServer) throws -> URL {
        try dir.write(
            "newswatch.toml",
            """
            [daemon]
            state_dir = "state"
            allow_private_networks = true

            [[feeds]]
            url = "\(server.url("/busy.xml"))"
            name = "Busy"

            [[feeds]]
            url = "\(server.url("/throttled.xml"))"
            name = "Throttled"

            [[feeds]]
            url = "\(server.url("/cached.xml"))"
            name = "Cached"

            [[topics]]
            id = "gaza"
            name = "Gaza"
            query = 'Gaza'
            """)
    }

    @Test func absurdSchedulingHeadersNeitherCrashNorScheduleBeyondAWeek() throws {
        let server = try LoopbackHTTPServer.start(routes: Self.routes())
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let cfg = try config(dir, server)

        // Twice: the second run reads back what the first stored (and finds the cached feed's body unchanged).
        for round in 1...2 {
            let started = Date()
            let run = try NewswatchBinary.run(["run", "--once", "--config", cfg.path], timeout: 60)
            #expect(run.status == 0, "round \(round): \(run.stderr)")
            let feeds = try statusFeeds(cfg)
            #expect(feeds.count == 3)
            for feed in feeds {
                let name = feed["name"] as? String ?? "?"
                #expect(feed["last_fetch"] is String, "round \(round): \(name) was fetched")
                let due = try #require((feed["next_due"] as? String).flatMap(Self.date), "\(name): \(feed)")
                #expect(due.timeIntervalSince(started) <= 7 * 86400 + 60, "round \(round): \(name) due \(due)")
                #expect(due.timeIntervalSince(started) > 0, "round \(round): \(name) due \(due)")
            }
            #expect(feeds.first { $0["name"] as? String == "Busy" }?["http_status"] as? Int == 503)
            #expect(feeds.first { $0["name"] as? String == "Cached" }?["error"] is NSNull)
        }
    }

    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
