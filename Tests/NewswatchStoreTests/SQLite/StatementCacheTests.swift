import Foundation
import GRDB
import NewswatchCore
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// Issue 18 (memory): the ingest's look-ups of known items by link, id and content take `IN (…)` lists as long as
/// the feed's items, as cached statements. One statement was prepared and cached per list length — for the life of
/// the process, a few kilobytes each — so a daemon's heap grew with every item count a feed ever had. Lists are now
/// padded to a few lengths; the writer connection's prepared statements are counted through SQLite's `sqlite_stmt`.
@Suite struct StatementCacheTests {
    @Test func knownItemLookUpsPrepareAFewStatementsWhateverTheFeedsItemCounts() async throws {
        let kit = try Kit()
        let store = try kit.open()
        let lengths = 1...40
        for n in lengths {
            let feed = Kit.feed(n)
            let items = (0..<n).map { i in
                Kit.item(
                    "feed\(n)-item\(i)", "Headline \(i) of feed \(n)", link: "https://feed\(n).example/\(i)",
                    published: Kit.at(hours: -1), summary: "Text \(i).")
            }
            _ = try await store.ingest(Kit.batch(feed: feed, at: Kit.at(hours: 0), items: items))
            // Seen again: looked up by link, id and content key.
            let again = try await store.ingest(Kit.batch(feed: feed, at: Kit.at(hours: 1), items: items))
            #expect(again.newItems == 0 && again.unchangedItems == n)
        }
        let writer = try #require(store.writer)
        let lookUps = try await writer.write { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_stmt WHERE sql LIKE 'SELECT % FROM items%IN (%'")
        }
        // Three look-ups (link, id, content), each at most one statement per padded length: 120 before the fix.
        #expect((lookUps ?? 0) <= 3 * cachedInListLengths.count, "\(lookUps ?? -1) cached look-up statements")
        #expect((lookUps ?? 0) >= 3)
    }

    @Test func paddingKeepsTheValuesAndRepeatsOnlyTheFirst() {
        #expect(paddedInList(["a"]) == ["a"])
        #expect(paddedInList(["a", "b", "c"]) == ["a", "b", "c", "a"])
        #expect(paddedInList(Array(repeating: "x", count: 33)).count == 64)
        #expect(paddedInList([String]()).isEmpty)
        #expect(paddedInList((0..<500).map(String.init)).count == 500)
    }
}
