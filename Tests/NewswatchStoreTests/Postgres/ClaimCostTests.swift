import Foundation
import NewswatchTestSupport
import PostgresNIO
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// What one claim reads, on a large `feeds` table: a daemon claims a slot's worth of feeds thousands of times a
/// round, so a claim that reads every due feed makes a round quadratic in the feeds (issue 15 "Speed").
@Suite struct ClaimCostTests {
    /// From `EXPLAIN ANALYZE` of `query`: the rows the scans of `feeds` returned (actual rows × loops), whether any
    /// of them was sequential, and the rows all the plan's nodes returned (the work, whatever the plan's shape).
    static func feedsRowsRead(
        _ store: PostgresStore, _ query: PostgresQuery
    ) async throws -> (rows: Int, seq: Bool, work: Int) {
        let plan = try await store.rows(
            PostgresQuery(unsafeSQL: "EXPLAIN (ANALYZE, TIMING OFF) " + query.sql, binds: query.binds), "explain"
        ).map { try $0.decode(String.self) }
        var (total, work, seq) = (0, 0, false)
        let actual = /rows=(\d+) loops=(\d+)\)/
        for line in plan {
            guard let m = line.firstMatch(of: actual), let rows = Int(m.1), let loops = Int(m.2) else { continue }
            work += rows * loops
            if line.contains(" on feeds") {
                total += rows * loops
                if line.contains("Seq Scan") { seq = true }
            }
        }
        return (total, seq, work)
    }

    /// Inserts `count` feeds on 100 hosts, due at `due` (`NULL`: never polled); the first `leased` hold a lease.
    static func insertFeeds(_ store: PostgresStore, count: Int, due: Int64?, leased: Int, until: Int64) async throws {
        _ = try await store.rows(
            """
            INSERT INTO feeds(key, name, url, host, next_due, lease_owner, lease_until)
            SELECT 'https://host' || g % 100 || '.example/' || g || '.xml', 'feed ' || g, NULL,
                'host' || g % 100 || '.example', \(due), CASE WHEN g < \(leased) THEN 'other' END,
                CASE WHEN g < \(leased) THEN \(until) END
            FROM generate_series(0, \(count - 1)) AS g
            """, "insert feeds")
    }

    /// 20,000 due feeds on 100 hosts, 40 of them being polled: a claim of 1 and a claim of 16 each read a few hundred
    /// rows of `feeds` through indexes, not the 20,000 due ones, and still keep the per-host limit.
    @Test func aClaimReadsAboutAsManyFeedsAsItTakesNotEveryDueOne() async throws {
        let store = try await PostgresStore(location: PostgresLocation(url: try PostgresCluster.makeDatabase()))
        let t = Kit.at(hours: 0).storeSeconds
        try await Self.insertFeeds(store, count: 20_000, due: nil, leased: 40, until: t + 60)
        _ = try await store.rows("ANALYZE feeds", "analyze")
        // With feeds the claimer does not know left out (review finding 9): the first due ones here, the same scan.
        let unknown = (40..<60).map { "https://host\($0 % 100).example/\($0).xml" }
        for limit in [1, 16] {
            for excluding in [[], unknown] {
                let read = try await Self.feedsRowsRead(
                    store, PostgresStore.dueCandidates(at: t, perHost: 2, limit: limit, excluding: excluding))
                #expect(!read.seq, "limit \(limit), \(excluding.count) left out")
                #expect(
                    read.rows < 1000, "limit \(limit), \(excluding.count) left out: \(read.rows) rows of feeds read")
            }
        }
        // The claim itself: hosts 0–39 hold a lease each already, so at most one more each.
        let claimed = try await store.claimDueFeeds(owner: "a", now: Kit.at(hours: 0), lease: 60, limit: 16)
        #expect(claimed.count == 16)
        let perHost = Dictionary(grouping: claimed) { PostgresStore.host(ofKey: $0.key) ?? "" }.mapValues(\.count)
        #expect(perHost.values.allSatisfy { $0 <= 2 })
        await store.close()
    }

    /// Every feed due at once while the statistics say few are (after an outage, or a round reset by hand): the
    /// planner's guess may not choose the due order, but a claim still costs about one pass over the due feeds, not
    /// one per due feed (the candidates are materialized, the rows locked are looked up by id).
    @Test func aClaimOnStaleStatisticsCostsOnePassOverTheDueFeeds() async throws {
        let store = try await PostgresStore(location: PostgresLocation(url: try PostgresCluster.makeDatabase()))
        let t = Kit.at(hours: 0).storeSeconds
        try await Self.insertFeeds(store, count: 2000, due: t + 3600, leased: 0, until: 0)
        _ = try await store.rows("ANALYZE feeds", "analyze")
        _ = try await store.rows("UPDATE feeds SET next_due = NULL", "all due")
        let read = try await Self.feedsRowsRead(store, PostgresStore.dueCandidates(at: t, perHost: 2, limit: 1))
        #expect(read.work < 20_000, "\(read.work) rows through the plan for 2,000 due feeds")
        #expect(try await store.claimDueFeeds(owner: "a", now: Kit.at(hours: 0), lease: 60, limit: 1).count == 1)
        await store.close()
    }

    /// `nextDueTime` on 20,000 feeds (100 hosts, 40 being polled, hosts 0–9 full) reads a few hundred rows of
    /// `feeds`, not all of them: a daemon asks after every poll.
    @Test func theNextDueTimeReadsFewFeeds() async throws {
        let store = try await PostgresStore(location: PostgresLocation(url: try PostgresCluster.makeDatabase()))
        let t = Kit.at(hours: 0).storeSeconds
        try await Self.insertFeeds(store, count: 20_000, due: t + 600, leased: 40, until: t + 60)
        // Ten more leases on hosts 0–9 make them full (two each).
        let fill = """
            UPDATE feeds SET lease_owner = 'other', lease_until = \(t + 30) WHERE id IN (
                SELECT id FROM feeds WHERE host IN (SELECT 'host' || g || '.example' FROM generate_series(0, 9) AS g)
                    AND lease_until IS NULL ORDER BY id LIMIT 10)
            """
        _ = try await store.rows(PostgresQuery(unsafeSQL: fill), "fill hosts")
        _ = try await store.rows("ANALYZE feeds", "analyze")
        let read = try await Self.feedsRowsRead(store, PostgresStore.nextDueQuery(at: t, perHost: 2))
        #expect(!read.seq)
        #expect(read.rows < 1000, "\(read.rows) rows of feeds read")
        #expect(try await store.nextDueTime(at: Kit.at(hours: 0)) == Date(storeSeconds: t + 600))
        await store.close()
    }
}
