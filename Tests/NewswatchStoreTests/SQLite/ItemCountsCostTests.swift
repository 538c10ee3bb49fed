import Foundation
import GRDB
import NewswatchTestSupport
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// `status` counts the items of every feed, and retention looks for removed feeds without items: one scan of `items`,
/// not one per feed. With a correlated count per feed (every `items(feed_id, …)` index is partial, so none serves
/// it) `status` on 2,000 feeds and a 270 MB state read the table 2,000 times: 3.5 minutes.
@Suite struct ItemCountsCostTests {
    @Test func itemsAreScannedOnceForAllFeeds() throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        let store = try kit.open()
        try store.syncFeeds((1...3).map(Kit.feed), at: Kit.at(hours: 0))
        let plan = try store.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteStore.itemCountsSQL).map { $0["detail"] as String }
        }
        #expect(plan.filter { $0.hasPrefix("SCAN items") || $0.hasPrefix("SCAN i") }.count == 1, "\(plan)")
        #expect(!plan.contains { $0.contains("CORRELATED") }, "\(plan)")
        #expect(try store.itemCounts() == Dictionary(uniqueKeysWithValues: (1...3).map { (Kit.feed($0).key, 0) }))
    }

    /// Retention's deletion of long-removed feeds reads `items` once, not once per removed feed.
    @Test func removedFeedsAreCheckedInOneScan() throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        let store = try kit.open()
        let plan = try store.read { db in
            try Row.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN " + SQLiteStore.removedFeedsSQL, arguments: [0]
            ).map { $0["detail"] as String }
        }
        #expect(plan.filter { $0.hasPrefix("SCAN items") }.count == 1, "\(plan)")
        #expect(!plan.contains { $0.contains("CORRELATED") }, "\(plan)")
    }
}
