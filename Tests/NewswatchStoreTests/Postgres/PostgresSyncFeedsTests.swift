import Foundation
import NewswatchTestSupport
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// `syncFeeds` on PostgreSQL in a few statements for any number of feeds (issue 15: 20,000 feeds were 20,000 round
/// trips at every start, holding row locks other daemons' ingests waited on), writing only the rows that change.
@Suite struct PostgresSyncFeedsTests {
    /// Each feed's row version and lock (`xmin`, `ctid`: they change whenever the row is written, even to the same
    /// values; `xmax`: set when a transaction locked the row, even without writing it).
    private static func versions(_ store: PostgresStore) async throws -> [String: String] {
        let rows = try await store.rows(
            "SELECT key, xmin::text || '/' || xmax::text || '/' || ctid::text FROM feeds", "versions")
        return try Dictionary(uniqueKeysWithValues: rows.map { try $0.decode((String, String).self) })
    }

    @Test func anUnchangedFeedListWritesOrLocksNoRowAndAChangedOneOnlyItsRows() async throws {
        let store = try await PostgresStore(location: PostgresLocation(url: try PostgresCluster.makeDatabase()))
        let path = FeedDescriptor(key: "file:///srv/feeds/local.xml", name: "Local", url: nil)
        let feeds = (1...50).map(Kit.feed) + [path]
        try await store.syncFeeds(feeds, at: Kit.at(hours: 0))
        let before = try await Self.versions(store)
        #expect(before.count == 51)
        try await store.syncFeeds(feeds, at: Kit.at(hours: 1))
        #expect(try await Self.versions(store) == before)

        // Feed 2 renamed, feed 3 gone: those two rows written, no other.
        var changed = feeds.filter { $0.key != Kit.feed(3).key }
        changed[1].name = "Feed two"
        try await store.syncFeeds(changed, at: Kit.at(hours: 2))
        let after = try await Self.versions(store)
        let written = Set(after.keys.filter { after[$0] != before[$0] })
        #expect(written == [Kit.feed(2).key, Kit.feed(3).key])
        #expect(try await store.feedState(key: Kit.feed(2).key)?.name == "Feed two")
        let gone = try await store.feedState(key: Kit.feed(3).key)
        #expect(gone?.active == false)
        let local = try await store.feedState(key: path.key)
        #expect(local?.url == nil && local?.active == true)
        let hosts = try await store.rows(
            "SELECT host FROM feeds WHERE key IN (\(path.key), \(Kit.feed(1).key)) ORDER BY key COLLATE \"C\"", "hosts")
        #expect(try hosts.map { try $0.decode(String?.self) } == [nil, "feed1.example"])

        // Back again: active, `inactive_since` cleared.
        try await store.syncFeeds(feeds, at: Kit.at(hours: 3))
        #expect(try await store.feedState(key: Kit.feed(3).key)?.active == true)
        await store.close()
    }

    /// A key listed twice (one statement cannot upsert a row twice): the last entry wins, as one write per entry
    /// in order would leave it.
    @Test func aKeyListedTwiceKeepsTheLastEntry() async throws {
        let store = try await PostgresStore(location: PostgresLocation(url: try PostgresCluster.makeDatabase()))
        var again = Kit.feed(1)
        again.name = "Feed one, renamed"
        try await store.syncFeeds([Kit.feed(1), Kit.feed(2), again], at: Kit.at(hours: 0))
        #expect(try await store.feedStates(includeInactive: true).map(\.name) == ["Feed one, renamed", "Feed 2"])
        await store.close()
    }
}
