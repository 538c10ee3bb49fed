import Foundation
import NewswatchTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 19 item 3: a feed of 50,000 fresh matching items gave 50,000 alerts from one poll and held the store's one
/// write transaction for about a minute. A poll now ingests at most `daemon.max_items` (default 1,000), the newest,
/// and says so in `status`.
@Suite(.serialized) struct HostileFloodTests {
    static let count = 50_000
    static let warning = "truncated: 50000 items in the feed, 1000 kept"

    /// 50,000 items about Gaza, each its own story, published one second apart; the newest are at the end of the
    /// document (so "newest" is not "first"). Padded to just under the 10 MiB body cap.
    static let flood: String = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let now = Date()
        var out = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Flood</title>\n"
        let padding = String(repeating: "x", count: 14)
        for p in 0..<count {
            let published = formatter.string(from: now.addingTimeInterval(-Double(count - p)))
            out += "<item><title>Gaza dispatch \(p) from the field</title><link>https://f.example/\(p)</link>"
            out += "<guid>f\(p)</guid><pubDate>\(published)</pubDate><description>\(padding)</description></item>\n"
        }
        return out + "</channel></rss>\n"
    }()

    static func config(_ dir: TemporaryDirectory, url: String, interval: String = "10m") throws -> URL {
        try dir.write(
            "newswatch.toml",
            """
            [daemon]
            state_dir = "state"
            output_dir = "out"
            allow_private_networks = true

            [digest]
            timezone = "UTC"

            [[feeds]]
            url = "\(url)"
            name = "Flood"
            interval = "\(interval)"

            [[topics]]
            id = "gaza"
            name = "Gaza"
            query = 'Gaza'
            """)
    }

    static func alertLines(_ dir: TemporaryDirectory) -> [[String: Any]] {
        let alertsDir = dir.url.appendingPathComponent("out/alerts")
        var result: [[String: Any]] = []
        for file in ((try? FileManager.default.contentsOfDirectory(atPath: alertsDir.path)) ?? []).sorted()
        where file.hasSuffix(".jsonl") {
            guard let text = try? String(contentsOf: alertsDir.appendingPathComponent(file), encoding: .utf8) else {
                continue
            }
            for line in text.split(separator: "\n") {
                if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] {
                    result.append(object)
                }
            }
        }
        return result
    }

    @Test func aFloodOfItemsIsTruncatedToTheNewestThousandWithAWarning() throws {
        #expect(Self.flood.utf8.count > 10_000_000 && Self.flood.utf8.count < 10 << 20, "\(Self.flood.utf8.count)")
        let server = try LoopbackHTTPServer.start(routes: ["/flood.xml": .ok(Self.flood)])
        defer { server.stop() }
        let dir = try TemporaryDirectory(prefix: "newswatch-flood")
        defer { dir.remove() }
        let cfg = try Self.config(dir, url: server.url("/flood.xml"))

        let run = try NewswatchBinary.run(["run", "--once", "--config", cfg.path], timeout: 300)
        #expect(run.status == 0, "\(run.stderr.suffix(2000))")
        #expect(run.stderr.contains(Self.warning), "the truncation is logged: \(run.stderr.suffix(2000))")
        let alerts = Self.alertLines(dir)
        #expect(alerts.count == 1000)
        // The newest thousand: the last items of the document.
        let numbers = alerts.compactMap { ($0["title"] as? String)?.split(separator: " ")[2] }.compactMap { Int($0) }
        #expect(numbers.count == alerts.count && numbers.allSatisfy { $0 >= Self.count - 1000 })

        let table = try NewswatchBinary.run(["status", "--config", cfg.path], timeout: 60)
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("warning: Flood: \(Self.warning)"), "\(table.stdout)")
        let feed = try #require(try statusFeeds(cfg).first)
        #expect(feed["warning"] as? String == Self.warning)
        #expect(feed["items"] as? Int == 1000)
        #expect(feed["error"] is NSNull)
    }

    /// The largest feed the body cap lets through keeps the watchdog fed: the store never runs one operation for
    /// longer than the ping interval.
    @Test func aTenMebibyteFloodDoesNotTripTheWatchdog() async throws {
        let server = try LoopbackHTTPServer.start(routes: ["/flood.xml": .ok(Self.flood)])
        defer { server.stop() }
        let dir = try TemporaryDirectory(prefix: "newswatch-flood")
        defer { dir.remove() }
        let cfg = try Self.config(dir, url: server.url("/flood.xml"), interval: "1s")
        let listener = try NotifySocketListener(directory: dir.url)
        // Pings every 5 s, and only while no store operation has been running longer than that.
        let daemon = try NewswatchProcess.start(
            ["run", "--config", cfg.path],
            environment: ["NOTIFY_SOCKET": listener.address, "WATCHDOG_USEC": "10000000"])
        defer { daemon.kill() }

        let ready = await listener.next(until: { Service.fields($0)["READY"] == "1" }, timeout: 60)
        #expect(ready != nil, "\(daemon.stderr.suffix(2000))")
        #expect(
            await Service.poll(timeout: 240) { Self.alertLines(dir).count >= 1000 }, "\(daemon.stderr.suffix(2000))")
        // The service went on pinging through the flood and after it.
        let after = await listener.next(until: { Service.fields($0)["WATCHDOG"] == "1" }, timeout: 12)
        #expect(after != nil, "\(daemon.stderr.suffix(2000))")
        #expect(!daemon.stderr.contains("watchdog: not telling systemd"), "\(daemon.stderr.suffix(2000))")
        #expect(Self.alertLines(dir).count == 1000)
        daemon.signal(SIGTERM)
        #expect(await daemon.wait(timeout: 15)?.status == 0, "\(daemon.stderr.suffix(2000))")
    }
}
