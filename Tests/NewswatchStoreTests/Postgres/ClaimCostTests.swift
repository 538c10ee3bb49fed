import Foundation
import NewswatchTestSupport
import PostgresNIO
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// What one claim reads, on a large `feeds` table: a daemon claims a slot's worth of feeds thousands of times a
/// round, so a claim that reads every due feed makes a round quadratic in the feeds (issue 15 "Speed").
@Suite struct ClaimCostTests {
    /// The rows the scans of `feeds` returned (actual rows × loops) and whether any of them was sequential, from
    /// `EXPLAIN ANALYZE` of `query`.
    static func feedsRowsRead(_ store: PostgresStore, _ query: PostgresQuery) async throws -> (rows: Int, seq: Bool) {
        let plan = try await store.rows(
            PostgresQuery(unsafeSQL: "EXPLAIN (ANALYZE, TIMING OFF) " + query.sql, binds: query.binds), "explain"
        ).map { try $0.decode(String.self) }
        var total = 0
        var seq = false
        let actual = /rows=(\d+) loops=(\d+)\)/
        for line in plan where line.contains(" on feeds") {
            if line.contains("Seq Scan on feeds") { seq = true }
            if let m = line.firstMatch(of: actual), let rows = Int(m.1), let loops = Int(m.2) { total += rows * loops }
        }
        return (total, seq)
    }

    /// 20,000 due feeds on 100 hosts, 40 of them being polled: a claim of 1 and a claim of 16 each read a few hundred
    /// rows of `feeds` through indexes, not the 20,000 due ones, and still keep the per-host limit.
    @Test func aClaimReadsAboutAsManyFeedsAsItTakesNotEveryDueOne() async throws {
        let store = try await PostgresStore(location: PostgresLocation(url: try PostgresCluster.makeDatabase()))
        let t = Kit.at(hours: 0).storeSeconds
        _ = try await store.rows(
            """
            INSERT INTO feeds(key, name, url, host, lease_owner, lease_until)
            SELECT 'https://host' || g % 100 || '.example/' || g || '.xml', 'feed ' || g, NULL,
                'host' || g % 100 || '.example', CASE WHEN g < 40 THEN 'other' END,
                CASE WHEN g < 40 THEN \(t + 60) END
            FROM generate_series(0, 19999) AS g
            """, "insert feeds")
        _ = try await store.rows("ANALYZE feeds", "analyze")
        for limit in [1, 16] {
            let read = try await Self.feedsRowsRead(store, PostgresStore.dueCandidates(at: t, perHost: 2, limit: limit))
            #expect(!read.seq, "limit \(limit)")
            #expect(read.rows < 1000, "limit \(limit): \(read.rows) rows of feeds read")
        }
        // The claim itself: hosts 0–39 hold a lease each already, so at most one more each.
        let claimed = try await store.claimDueFeeds(owner: "a", now: Kit.at(hours: 0), lease: 60, limit: 16)
        #expect(claimed.count == 16)
        let perHost = Dictionary(grouping: claimed) { PostgresStore.host(ofKey: $0.key) ?? "" }.mapValues(\.count)
        #expect(perHost.values.allSatisfy { $0 <= 2 })
        await store.close()
    }
}
