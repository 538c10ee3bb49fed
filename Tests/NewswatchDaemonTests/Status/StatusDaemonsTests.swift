import Foundation
import NewswatchCore
import NewswatchStore
import NewswatchTestSupport
import Testing

@testable import NewswatchDaemon

/// The `daemons` section of `status` (CONTRACT §9) from the registry of a real PostgreSQL 15.
@Suite struct StatusDaemonsTests {
    static let t0 = Timestamp.date(year: 2026, month: 11, day: 24, hour: 12)

    static func report() -> StatusReport {
        StatusReport(feeds: [], sinks: [], totals: StatusReport.Totals(feeds: 0, failing: 0, items: 0, alertsToday: 0))
    }

    @Test func listsEachDaemonWithTheFeedsItHolds() async throws {
        let store = try await PostgresStore(location: PostgresLocation(url: try PostgresCluster.makeDatabase()))
        let feeds = ["https://a.example/rss", "https://b.example/rss", "https://c.example/rss"].map {
            FeedDescriptor(key: $0, name: $0, url: $0)
        }
        try await store.syncFeeds(feeds, at: Self.t0)
        try await store.registerDaemon(owner: "one", hostName: "web-1", pid: 4242, version: "0.1.0", at: Self.t0)
        try await store.registerDaemon(owner: "two", hostName: "web-2", pid: 7, version: "0.1.0", at: Self.t0)
        try await store.heartbeat(owner: "two", at: Self.t0.addingTimeInterval(30))
        _ = try await store.claimDueFeeds(owner: "one", now: Self.t0, lease: 120, limit: 2)
        var report = Self.report()
        report.addDaemons(try await store.daemons(at: Self.t0.addingTimeInterval(60)))
        await store.close()

        let json = report.json.compact
        #expect(
            json.hasSuffix(
                #","daemons":[{"host":"web-1","pid":4242,"last_heartbeat":"2026-11-24T12:00:00Z","feeds_held":["#
                    + #""https://a.example/rss","https://b.example/rss"]},{"host":"web-2","pid":7,"#
                    + #""last_heartbeat":"2026-11-24T12:00:30Z","feeds_held":[]}]}"#), "\(json)")
        let table = report.table(now: Self.t0.addingTimeInterval(60))
        let lines = table.split(separator: "\n").map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("DAEMON HOST") })
        #expect(lines[header] == "DAEMON HOST  PID   LAST HEARTBEAT        FEEDS HELD")
        #expect(lines[header + 1] == "web-1        4242  2026-11-24T12:00:00Z  2")
        #expect(lines[header + 2] == "web-2        7     2026-11-24T12:00:30Z  0")
        #expect(lines[header + 3] == "held by web-1 4242: https://a.example/rss, https://b.example/rss")
    }

    /// A `run --once` round holding the store (review 7 finding 3): daemons are kept out, and `status` says by whom.
    @Test func namesTheRunOnceRoundHoldingTheStore() async throws {
        let location = try PostgresLocation(url: try PostgresCluster.makeDatabase())
        let store = try await PostgresStore(location: location)
        let daemon = StorePresence(location: location, mode: .shared, applicationName: "newswatch daemon web-1 PID 7")
        #expect(try await daemon.acquire())
        #expect(try await store.roundsHoldingStore().isEmpty)
        var report = Self.report()
        report.addDaemons([])
        report.addRunOnce(try await store.roundsHoldingStore())
        #expect(report.json.compact.hasSuffix(#","run_once":[],"daemons":[]}"#), "\(report.json.compact)")
        #expect(!report.table(now: Self.t0).contains("store held by"))
        await daemon.release()

        let round = StorePresence(
            location: location, mode: .exclusive, applicationName: "newswatch run --once web-2 PID 4242")
        #expect(try await round.acquire())
        let holders = try await store.roundsHoldingStore()
        #expect(holders.map(\.name) == ["newswatch run --once web-2 PID 4242"])
        let since = try #require(holders.first?.since)
        #expect(abs(since.timeIntervalSinceNow) < 600)
        report.addRunOnce(holders)
        #expect(
            report.json.compact.hasSuffix(
                #","run_once":[{"connection":"newswatch run --once web-2 PID 4242","since":""#
                    + Timestamp.format(since) + #""}],"daemons":[]}"#), "\(report.json.compact)")
        #expect(
            report.table(now: Self.t0).contains(
                "store held by newswatch run --once web-2 PID 4242 since \(Timestamp.format(since)): "
                    + "daemons claim no feed until it ends\n"))
        await round.release()
        #expect(try await store.roundsHoldingStore().isEmpty)
        await store.close()
    }

    @Test func withSQLiteThereIsNoDaemonsKeyOrSection() throws {
        let report = Self.report()
        #expect(!report.json.compact.contains("daemons"))
        #expect(!report.json.compact.contains("run_once"))
        #expect(!report.table(now: Self.t0).contains("DAEMON"))
    }
}
