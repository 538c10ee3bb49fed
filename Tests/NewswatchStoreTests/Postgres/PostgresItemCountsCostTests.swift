import Foundation
import NewswatchTestSupport
import PostgresNIO
import Testing

@testable import NewswatchStore

/// `status` on PostgreSQL counts every feed's items in one scan of `items`, not one per feed (see
/// `ItemCountsCostTests`): on 200 feeds of 20 items, every scan of `items` in the plan runs once.
@Suite struct PostgresItemCountsCostTests {
    @Test func itemsAreReadOnceForAllFeeds() async throws {
        let store = try await PostgresStore(location: PostgresLocation(url: try PostgresCluster.makeDatabase()))
        try await ClaimCostTests.insertFeeds(store, count: 200, due: nil, leased: 0, until: 0)
        _ = try await store.rows(
            """
            WITH story AS (INSERT INTO stories(key, first_seen) VALUES ('s', 0) RETURNING id)
            INSERT INTO items(feed_id, story_id, guid, revision, title, published, undated, first_seen, last_seen)
            SELECT f.id, story.id, 'g' || g, 'r', 'item ' || g, 0, true, 0, 0
            FROM feeds f, story, generate_series(1, 20) AS g
            """, "insert items")
        _ = try await store.rows("ANALYZE", "analyze")
        let plan = try await store.rows(
            PostgresQuery(unsafeSQL: "EXPLAIN (ANALYZE, TIMING OFF) " + SQLiteStore.itemCountsSQL), "explain"
        ).map { try $0.decode(String.self) }
        // Each scan of `items` in the plan runs once (`loops=1`), not once per feed.
        let scans = plan.filter { $0.contains(" on items") }.compactMap { line in
            line.firstMatch(of: /loops=(\d+)\)/).flatMap { Int($0.1) }
        }
        #expect(!scans.isEmpty && scans.allSatisfy { $0 == 1 }, "\(plan.joined(separator: "\n"))")
        let counts = try await store.itemCounts()
        #expect(counts.count == 200 && counts.values.allSatisfy { $0 == 20 })
        await store.close()
    }
}
