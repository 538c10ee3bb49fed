import Foundation
import GRDB
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// Issue 18 (the all-304 round): every `run --once` syncs the configured feeds first; the upsert rewrote every row
/// (2,000 rows into the log and a checkpoint) even when nothing had changed. Now only changed rows are written.
@Suite struct SyncFeedsWriteTests {
    func changes(_ store: SQLiteStore) throws -> Int {
        try store.write { db in try Int.fetchOne(db, sql: "SELECT total_changes()") ?? -1 }
    }

    @Test func anUnchangedFeedListWritesNoRow() throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        let store = try kit.open()
        let feeds = (1...50).map(Kit.feed)
        try store.syncFeeds(feeds, at: Kit.at(hours: 0))
        let before = try changes(store)
        try store.syncFeeds(feeds, at: Kit.at(hours: 1))
        #expect(try changes(store) == before)

        // A renamed feed and one back from inactive are written, and only they.
        var renamed = feeds
        renamed[3] = FeedDescriptor(key: feeds[3].key, name: "Renamed", url: feeds[3].url)
        try store.syncFeeds(Array(renamed.dropLast()), at: Kit.at(hours: 2))
        let afterRename = try changes(store)
        #expect(afterRename == before + 2)  // the rename and the deactivation
        try store.syncFeeds(renamed, at: Kit.at(hours: 3))
        #expect(try changes(store) == afterRename + 1)
        let row = try store.read { db in
            try Row.fetchOne(
                db, sql: "SELECT active, inactive_since FROM feeds WHERE key = ?", arguments: [feeds[49].key])
        }
        #expect(row?["active"] == 1 && (row?["inactive_since"] as Int64?) == nil)
    }
}
