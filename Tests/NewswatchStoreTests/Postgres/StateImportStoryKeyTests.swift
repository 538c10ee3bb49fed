import Foundation
import GRDB
import NewswatchCore
import NewswatchTestSupport
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// `store migrate` of a SQLite state in which two stories share a key (possible since `v5-story-keys`: an item reborn
/// beside its unalerted old story) into PostgreSQL, whose `stories.key` stays unique.
@Suite struct StateImportStoryKeyTests {
    @Test func twoStoriesWithOneKeyAreCopiedAndTheAlertedOneKeepsIt() async throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        let sqlite = try kit.open()
        _ = try await StoryKeyRebornTests.forgetItemWhileItsStoryLivesOn(sqlite, held: true)
        let reborn = try await sqlite.ingest(
            Kit.batch(feed: Kit.feed(1), at: Kit.at(hours: 24 * 61), items: [StoryKeyRebornTests.itemA(held: true)]))
        let key = try #require(reborn.alerts.first?.story)
        #expect(try await sqlite.count("SELECT COUNT(*) FROM stories WHERE key = '\(key)'") == 2)

        let target = try await PostgresStore(location: PostgresLocation(url: try PostgresCluster.makeDatabase()))
        let summary = try await target.importState(from: sqlite)
        #expect(summary.rows("stories") == 2 && summary.rows("items") == 2)
        #expect(try await target.count("SELECT COUNT(DISTINCT key) FROM stories") == 2)
        // The key the alert names is the reborn item's story's; the old story got a key of its own.
        let named = try await target.rows(
            "SELECT i.guid FROM items i JOIN stories s ON s.id = i.story_id WHERE s.key = \(key)", "named")
        #expect(try named.map { try $0.decode(String.self) } == ["a"])
        // The digest reads the same on both sides (row ids are kept).
        let from = Kit.at(hours: -48)
        let to = Kit.at(hours: 24 * 62)
        let records = try sqlite.matchedItems(firstSeenFrom: from, to: to)
        #expect(
            try await target.matchedItems(firstSeenFrom: from, to: to).map(\.storyRowID) == records.map(\.storyRowID))
        let rows = records.map(\.storyRowID)
        #expect(try await target.storySources(storyRowIDs: rows) == (try sqlite.storySources(storyRowIDs: rows)))
        await target.close()
    }
}
