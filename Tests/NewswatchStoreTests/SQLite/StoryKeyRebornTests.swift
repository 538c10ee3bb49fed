import Foundation
import NewswatchCore
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// An item retention forgot, coming back while its old story lives on in another feed: it starts a new story (its
/// key derives from the item, so it is the old story's key) and alerts as news. Since `v5-story-keys` SQLite checks
/// the key against the alerted stories' keys only (`story_keys`); PostgreSQL still salts on its `UNIQUE` key.
@Suite struct StoryKeyRebornTests {
    static let retention: TimeInterval = 30 * 86400

    /// Item `a` (feed 1) starts a story that `b` (feed 2, same headline) joins by title; feed 1 drops `a` on day 1,
    /// feed 2 keeps `b` for 60 days, so pruning forgets `a` while its story lives on. `held`: `a` came in feed 1's
    /// first fetch dated a day back (held back, so neither it nor `b` alerts). Returns the first ingest of `a`.
    static func forgetItemWhileItsStoryLivesOn(_ store: any OutboxBackend, held: Bool) async throws -> IngestOutcome {
        _ = try await store.ingest(Kit.batch(feed: Kit.feed(2), at: Kit.at(hours: -1), items: []))
        if !held { _ = try await store.ingest(Kit.batch(feed: Kit.feed(1), at: Kit.at(hours: -1), items: [])) }
        let a = itemA(held: held)
        let ra = try await store.ingest(Kit.batch(feed: Kit.feed(1), at: Kit.t0, items: [a]))
        let b = Kit.item(
            "b", a.title ?? "", link: "https://feed2.example/envoy",
            published: Kit.at(hours: held ? -23.9 : 0.05))
        let rb = try await store.ingest(Kit.batch(feed: Kit.feed(2), at: Kit.at(hours: 0.1), items: [b]))
        #expect(rb.newItems == 1 && rb.alerts.isEmpty)
        _ = try await store.ingest(Kit.batch(feed: Kit.feed(1), at: Kit.at(hours: 24), items: []))
        for day in stride(from: 10, through: 60, by: 10) {
            _ = try await store.ingest(Kit.batch(feed: Kit.feed(2), at: Kit.at(hours: Double(24 * day)), items: [b]))
        }
        let pruned = try await store.prune(now: Kit.at(hours: 24 * 60), retention: Self.retention, batchSize: 10)
        #expect(pruned.items == 1 && pruned.stories == 0)  // the story lives on in feed 2
        return ra
    }

    static func itemA(held: Bool) -> ParsedItem {
        Kit.item(
            "a", "Gaza envoy meets Hamas leaders in Doha", link: "https://feed1.example/envoy",
            published: Kit.at(hours: held ? -24 : 0))
    }
    static var itemA: ParsedItem { itemA(held: false) }

    /// The reborn item's new story, from the digest's view: its row id and its sources' feeds.
    static func rebornStory(_ store: any IngestBackend) async throws -> (row: Int64, feeds: [String]) {
        let day61 = Kit.at(hours: 24 * 61)
        let records = try await store.matchedItems(firstSeenFrom: day61, to: day61.addingTimeInterval(3600))
        let row = try #require(records.first?.storyRowID)
        let sources = try await store.storySources(storyRowIDs: [row])
        return (row, (sources[row] ?? []).map(\.feedName))
    }

    @Test(arguments: StoreBackend.allCases)
    func aRebornItemBesideItsAlertedStoryGetsAFreshStoryAndAlert(backend: StoreBackend) async throws {
        try await backend.withOutboxStore { store in
            let ra = try await Self.forgetItemWhileItsStoryLivesOn(store, held: false)
            #expect(ra.alerts.map(\.topic) == ["gaza"])
            let r = try await store.ingest(
                Kit.batch(feed: Kit.feed(1), at: Kit.at(hours: 24 * 61), items: [Self.itemA]))
            #expect(r.newItems == 1)
            // Not swallowed by the old alert's id (story key + topic): the key was salted.
            #expect(r.alerts.map(\.topic) == ["gaza"])
            #expect(r.alerts.first?.story != ra.alerts[0].story && r.alerts.first?.id != ra.alerts[0].id)
            #expect(try await Self.rebornStory(store).feeds == ["Feed 1"])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aRebornItemBesideItsUnalertedStoryKeepsItsKeyAndAlerts(backend: StoreBackend) async throws {
        try await backend.withOutboxStore { store in
            let ra = try await Self.forgetItemWhileItsStoryLivesOn(store, held: true)
            #expect(ra.alerts.isEmpty)
            let a = Self.itemA(held: true)
            let r = try await store.ingest(Kit.batch(feed: Kit.feed(1), at: Kit.at(hours: 24 * 61), items: [a]))
            #expect(r.newItems == 1)
            let alert = try #require(r.alerts.first)
            #expect(r.alerts.map(\.topic) == ["gaza"])
            // SQLite: no salt, the old story was never alerted, so two stories share the key (nothing looks a story
            // up by key but through `story_keys`, which holds the alerted one only); PostgreSQL salts as before.
            let sharing = try await store.count("SELECT COUNT(*) FROM stories WHERE key = '\(alert.story)'")
            #expect(sharing == (backend == .sqlite ? 2 : 1))
            // The digest sees two stories: the reborn one lists only its own source, the old one feed 2's.
            let reborn = try await Self.rebornStory(store)
            #expect(reborn.feeds == ["Feed 1"])
            #expect(try await store.count("SELECT COUNT(*) FROM stories") == 2)
            let old = Int64(try await store.count("SELECT MIN(id) FROM stories"))
            #expect(old != reborn.row)
            #expect(try await store.storySources(storyRowIDs: [old])[old]?.map(\.feedName) == ["Feed 2"])
        }
    }

    /// The held-back set-up, then `a` reborn on day 61: its alert (its story shares the old story's key on SQLite)
    /// and that day.
    static func rebornAlertBesideUnalertedStory(_ store: any OutboxBackend) async throws -> (Alert, Date) {
        _ = try await forgetItemWhileItsStoryLivesOn(store, held: true)
        let day61 = Kit.at(hours: 24 * 61)
        let r = try await store.ingest(Kit.batch(feed: Kit.feed(1), at: day61, items: [itemA(held: true)]))
        return (try #require(r.alerts.first), day61)
    }

    /// Review 8: the old, unalerted story that shares its key with the reborn item's alerted story later gains a
    /// source that alerts (feed 3 joins it by `b`'s link): it gets a key of its own first, so its alert is made and
    /// is not the reborn story's.
    @Test(arguments: StoreBackend.allCases)
    func theOldStorySharingAKeyAlertsUnderAKeyOfItsOwn(backend: StoreBackend) async throws {
        try await backend.withOutboxStore { store in
            let (reborn, day61) = try await Self.rebornAlertBesideUnalertedStory(store)
            _ = try await store.ingest(Kit.batch(feed: Kit.feed(3), at: day61.addingTimeInterval(600), items: []))
            let c = Kit.item(
                "c", "Gaza envoy meets Hamas leaders in Doha", link: "https://feed2.example/envoy",
                published: day61.addingTimeInterval(900))
            let rc = try await store.ingest(
                Kit.batch(feed: Kit.feed(3), at: day61.addingTimeInterval(1200), items: [c]))
            let joined = try #require(rc.alerts.first, "the old story's first alert was swallowed")
            #expect(rc.alerts.map(\.topic) == ["gaza"])
            #expect(joined.story != reborn.story && joined.id != reborn.id)
            #expect(try await store.count("SELECT COUNT(DISTINCT key) FROM stories") == 2)
        }
    }

    /// Review 8: in a digest, the old story sharing its key with the reborn item's alerted story (matched by a
    /// held-back item that joined it) does not carry the reborn story's alert id.
    @Test(arguments: StoreBackend.allCases)
    func aStorySharingAnAlertedKeyDoesNotOwnItsAlerts(backend: StoreBackend) async throws {
        try await backend.withOutboxStore { store in
            let (reborn, day61) = try await Self.rebornAlertBesideUnalertedStory(store)
            // Feed 4's first fetch: an item two days old, held back, joins the old story by `b`'s link.
            let d = Kit.item(
                "d", "Gaza envoy meets Hamas leaders in Doha", link: "https://feed2.example/envoy",
                published: day61.addingTimeInterval(-48 * 3600))
            let rd = try await store.ingest(
                Kit.batch(feed: Kit.feed(4), at: day61.addingTimeInterval(3600), items: [d]))
            #expect(rd.newItems == 1 && rd.alerts.isEmpty)
            let records = try await store.matchedItems(
                firstSeenFrom: day61.addingTimeInterval(3600), to: day61.addingTimeInterval(7200))
            let record = try #require(records.first)
            #expect(record.storyRowID == Int64(try await store.count("SELECT MIN(id) FROM stories")))
            // SQLite: the old story has the reborn one's key, and no alert of its own under it.
            #expect((record.story == reborn.story) == (backend == .sqlite))
            #expect(record.ownsStoryKey == (backend != .sqlite))
        }
    }
}
