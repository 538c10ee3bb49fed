import Foundation
import NewswatchTestSupport
import Testing

@testable import NewswatchStore

#if canImport(Glibc)
    import Glibc
#endif

/// Three daemons on one PostgreSQL store over loopback feeds, killed with SIGKILL at random and restarted (CONTRACT
/// §9, issue 15): the alert record they share holds every expected alert exactly once, a story two feeds carry at
/// the same moment alerts once, no host ever has more than two fetches in flight across the daemons, and once the
/// kills stop no feed is fetched twice within its interval.
@Suite struct MultiDaemonCrashTests {
    static let feeds = 6
    static let generations = 8
    static let generationSeconds = 1.5

    /// What the feeds serve: a pure function of the generation, so a killed run converges to the same alerts.
    final class World: @unchecked Sendable {
        let start = Date()
        let published: Date
        // Owner: `lock` guards the request log and the in-flight count (the server's connection threads).
        private let lock = NSLock()
        private var inFlight = 0
        private(set) var maxInFlight = 0
        private(set) var fetches: [(feed: Int, at: Date)] = []

        init() { published = start.addingTimeInterval(-60) }

        var generation: Int {
            min(MultiDaemonCrashTests.generations - 1, Int(Date().timeIntervalSince(start) / generationSeconds))
        }

        /// A headline of its own for feed `feed`'s item of generation `g`: numbers no other title carries, so no
        /// two of them join as one story.
        static func ownTitle(feed: Int, g: Int) -> String { "Gaza desk bulletin \(1000 + feed * 100 + g) filed" }

        /// The story feeds 0 and 1 both carry from generation `g` on, under their own links: one story by title.
        static func sharedTitle(g: Int) -> String { "Rafah crossing convoy \(500 + g) reaches the border" }

        static var expectedTitles: Set<String> {
            var titles = Set((0..<generations).map(sharedTitle))
            for f in 0..<feeds { for g in 0..<generations { titles.insert(ownTitle(feed: f, g: g)) } }
            return titles
        }

        func document(feed: Int) -> String {
            let g = generation
            var items: [(guid: String, title: String, link: String)] = []
            for k in 0...g {
                items.append(("f\(feed)-\(k)", Self.ownTitle(feed: feed, g: k), "https://f\(feed).example/\(k)"))
                if feed < 2 {
                    items.append(("f\(feed)-s\(k)", Self.sharedTitle(g: k), "https://f\(feed).example/shared/\(k)"))
                }
            }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            let date = formatter.string(from: published)
            let body = items.reversed().map {
                "<item><title>\($0.title)</title><link>\($0.link)</link><guid isPermaLink=\"false\">\($0.guid)</guid>"
                    + "<pubDate>\(date)</pubDate></item>"
            }.joined(separator: "\n")
            return
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed \(feed)</title>\(body)</channel></rss>"
        }

        func serve(_ request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response {
            guard request.path.hasPrefix("/f"), let feed = Int(request.path.dropFirst(2).prefix { $0.isNumber }),
                feed < MultiDaemonCrashTests.feeds
            else { return LoopbackHTTPServer.Response(status: 404) }
            lock.withLock {
                inFlight += 1
                maxInFlight = max(maxInFlight, inFlight)
                fetches.append((feed, Date()))
            }
            // Long enough for fetches of several daemons to overlap if the host limit let them.
            Thread.sleep(forTimeInterval: 0.03)
            let body = document(feed: feed)
            lock.withLock { inFlight -= 1 }
            return .ok(body)
        }

        var fetchLog: [(feed: Int, at: Date)] { lock.withLock { fetches } }
        var peakInFlight: Int { lock.withLock { maxInFlight } }
    }

    static func timestamp(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: text)
    }

    private func config(_ dir: TemporaryDirectory, daemon: Int, server: LoopbackHTTPServer, store: String) throws
        -> URL
    {
        let feeds = (0..<Self.feeds).map {
            "[[feeds]]\nurl = \"\(server.url("/f\($0).xml"))\"\nname = \"Feed \($0)\"\n"
        }
        return try dir.write(
            "daemon\(daemon).toml",
            """
            [daemon]
            state_dir = "state\(daemon)"
            output_dir = "out"
            allow_private_networks = true
            backfill = "6h"
            interval = "1s"
            concurrency = 4

            \(feeds.joined(separator: "\n"))
            [[topics]]
            id = "gaza"
            name = "Gaza"
            query = 'Gaza OR Rafah'

            [store]
            url = "\(store)"
            lease = "10s"
            """)
    }

    @Test func threeDaemonsKilledAtRandomAlertEveryStoryExactlyOnce() async throws {
        let world = World()
        let server = try LoopbackHTTPServer.start(handler: world.serve)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try PostgresCluster.makeDatabase()
        let configs = try (0..<3).map { try config(dir, daemon: $0, server: server, store: store) }
        var logs: [URL] = []
        func start(_ i: Int) throws -> DaemonProcess {
            let log = dir.file("daemon\(i)-life\(logs.count).log")
            logs.append(log)
            return try DaemonProcess(["run", "--config", configs[i].path], logFile: log)
        }
        var daemons = try (0..<3).map(start)
        defer { for d in daemons { d.send(SIGKILL) } }

        // Kills while the generations come out: one daemon at a time, at a random moment, restarted at once.
        var rng = SeededRandom(seed: UInt64(Date().timeIntervalSince1970))
        var kills: [(daemon: Int, at: Date)] = []
        let killUntil = world.start.addingTimeInterval(Double(Self.generations) * Self.generationSeconds)
        while Date() < killUntil {
            try await Task.sleep(nanoseconds: UInt64(Double.random(in: 0.4...1.4, using: &rng) * 1e9))
            let victim = Int.random(in: 0..<3, using: &rng)
            daemons[victim].send(SIGKILL)
            _ = await daemons[victim].waitForExit(timeout: 10)
            kills.append((victim, Date()))
            daemons[victim] = try start(victim)
        }
        let lastKill = kills.last?.at ?? Date()

        // Then calm: a dead daemon's leases and claims expire (10 s) and the others finish the work.
        let expected = World.expectedTitles
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline {
            let titles = Set(AlertFiles.lines(in: dir.file("out/alerts")).map(\.title))
            if titles == expected && Date() > lastKill.addingTimeInterval(14) { break }
            try await Task.sleep(nanoseconds: 250_000_000)
        }
        // A little longer, for any second copy to show.
        try await Task.sleep(nanoseconds: 3_000_000_000)
        let calmEnd = Date()
        // `status` lists the daemons: the three alive beat within the last seconds and hold the feeds between them.
        let status = try NewswatchBinary.run(["status", "--json", "--config", configs[0].path], timeout: 60)
        #expect(status.status == 0, "\(status.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let listed = report?["daemons"] as? [[String: Any]] ?? []
        // Killed daemons keep their rows (with their last heartbeat) until the leader drops them a day later.
        let running = Set(daemons.map { Int($0.pid) })
        let alive = listed.filter { ($0["pid"] as? Int).map(running.contains) ?? false }
        #expect(alive.count == 3, "\(status.stdout)")
        #expect(
            alive.allSatisfy { row in
                (row["last_heartbeat"] as? String).flatMap(Self.timestamp).map { calmEnd.timeIntervalSince($0) < 30 }
                    ?? false
            }, "\(status.stdout)")
        for d in daemons { d.send(SIGTERM) }
        for d in daemons { #expect(await d.waitForExit(timeout: 30), "a daemon did not stop on SIGTERM") }
        // A clean stop hands everything back: no lease or claim is left to expire, no row of the three remains.
        let shared = try await PostgresStore(location: try PostgresLocation(url: store))
        let held = try await shared.rows(
            """
            SELECT ((SELECT count(*) FROM feeds WHERE lease_owner IS NOT NULL)
                + (SELECT count(*) FROM deliveries WHERE claim_owner IS NOT NULL AND state = 0))::bigint
            """, "test")
        #expect(try held[0].decode(Int.self) == 0, "leases or claims left after SIGTERM")
        let stopped = Set(daemons.map { Int($0.pid) })
        #expect(try await shared.daemons(at: Date()).allSatisfy { !stopped.contains($0.pid) })
        await shared.close()

        let lines = AlertFiles.lines(in: dir.file("out/alerts"))
        let titles = lines.map(\.title)
        let doubled = Dictionary(grouping: titles, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        #expect(doubled.isEmpty, "alerted more than once: \(doubled)")
        #expect(Set(titles) == expected, "missing: \(expected.subtracting(titles).sorted())")
        #expect(lines.count == expected.count, "\(lines.count) lines for \(expected.count) stories")
        #expect(AlertFiles.tornFiles(in: dir.file("out/alerts")).isEmpty)
        #expect(kills.count >= 6, "only \(kills.count) kills")

        // Two fetches in flight per host at most, across all daemons together (CONTRACT §9).
        #expect(world.peakInFlight <= 2, "\(world.peakInFlight) fetches of one host at once")

        // After the kills and the lease that follows the last one, a feed is fetched by one daemon per interval:
        // no two fetches of one feed closer than half its 1 s interval.
        let calmStart = lastKill.addingTimeInterval(11)
        for feed in 0..<Self.feeds {
            let times = world.fetchLog.filter { $0.feed == feed && $0.at > calmStart && $0.at < calmEnd }.map(\.at)
            let gaps = zip(times.dropFirst(), times).map { $0.timeIntervalSince($1) }
            #expect(times.count >= 3, "feed \(feed) fetched \(times.count) times in the calm")
            #expect(gaps.allSatisfy { $0 >= 0.5 }, "feed \(feed) fetched twice within its interval: \(gaps) \(times)")
        }
        let texts = logs.map { (try? String(contentsOf: $0, encoding: .utf8)) ?? "" }
        let joined = texts.filter { $0.contains("joined the daemons sharing the store") }.count
        #expect(joined >= 3, "\(texts.prefix(3))")
        print("multi-daemon: \(kills.count) kills, \(lines.count) alerts, peak \(world.peakInFlight) in flight")
    }
}
