import Foundation
import NewswatchCore
import PostgresNIO

/// One `PostgresStore.ingest` inside its transaction: `IngestTransaction`'s steps and semantics (feed, known items,
/// updates, new items and their stories, matches, alerts), on PostgreSQL. The feed's own rows first (`prepare`,
/// before the story lock: a feed is polled by one daemon at a time), then the rest under the lock (`run`).
struct PostgresIngest {
    typealias Known = IngestTransaction.Known
    typealias Incoming = IngestTransaction.Incoming
    typealias StoryTopic = IngestTransaction.StoryTopic

    let c: PostgresConnection
    let logger: Logger
    let batch: IngestBatch
    /// The title index, set once the story lock is held (`PostgresStoryIndex.catchUp`).
    var index = StoryIndex()
    let now: Int64
    var maxItemID: Int64 = 0

    var feedID: Int64 = 0
    var firstFetch = false
    var guidsUnreliable = false
    var known: [Known] = []
    var knownByID: [Int64: Int] = [:]
    var byLink: [String: [Int]] = [:]
    var byGuid: [String: [Int]] = [:]
    var byContent: [String: [Int]] = [:]
    var otherFeedStoryByLink: [String: Int64] = [:]
    var storyKeys: [Int64: String] = [:]
    /// Stories created by this transaction: none of their `story_topics` rows can predate it.
    var newStories: Set<Int64> = []
    /// `story_topics` states this transaction read, derived or wrote, so each story is looked up at most once.
    var storyTopicStates: [StoryTopic: Int] = [:]
    var loadedStories: Set<Int64> = []
    var topicsByID: [String: TopicDefinition]?
    var alerts: [Alert] = []
    var newItemFigures: [NewItemFigure] = []
    /// Ids taken from the `stories` and `items` sequences for this batch (under the story lock, so they grow in
    /// commit order), used from `next…` on; unused ones are gaps.
    var storyIDs = ReservedIDs()
    var itemIDs = ReservedIDs()
    /// New stories and items, written together by `flush()` (a few statements per batch, not two per item).
    var newStoryRows: [(id: Int64, key: String)] = []
    var newItemRows: [NewItemRow] = []
    /// The alert checks of the batch, in item order, made by `flush()` once the items they count are written.
    var alertChecks: [AlertCheck] = []

    /// A block of ids reserved from a sequence.
    struct ReservedIDs {
        var ids: [Int64] = []
        var next = 0
    }

    /// A new item's `items` row.
    struct NewItemRow {
        var id: Int64
        var storyID: Int64
        var incoming: Incoming
        var guid: String?
        var heldBack: Bool
    }

    /// An item's matched topic to consider for an alert of its story.
    struct AlertCheck {
        var storyID: Int64
        var match: TopicMatch
        var item: ParsedItem
        var published: Int64
    }

    init(_ c: PostgresConnection, batch: IngestBatch, logger: Logger) {
        self.c = c
        self.logger = logger
        self.batch = batch
        self.now = batch.fetchedAt.storeSeconds
    }

    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] { try await c.rows(query, logger: logger) }

    func execute(_ query: PostgresQuery) async throws { try await c.query(query, logger: logger) }

    /// The part under the story lock, after `prepare` and the catch-up: known items updated, new items with their
    /// stories, alerts. `feedState`: what `prepare` wrote (written again if it guessed "new items" wrong).
    mutating func run(_ incoming: [Incoming], feedState prepared: FeedState, guessedNew: Bool) async throws
        -> IngestOutcome
    {
        var newCount = 0
        var updatedCount = 0
        var unchangedCount = 0
        var seen = Set<Int>()
        var insertedHere = Set<Int>()
        for (position, entry) in incoming.enumerated() {
            if let k = findKnown(entry) {
                if !seen.insert(k).inserted {
                    unchangedCount += 1
                    continue
                }
                if try await update(k, with: entry) { updatedCount += 1 } else { unchangedCount += 1 }
            } else {
                let k = try await insertNew(entry, atMost: incoming.count - position)
                seen.insert(k)
                insertedHere.insert(k)
                newCount += 1
            }
        }
        try await flush()
        // Items inserted by this transaction already carry `last_seen = now`.
        let seenIDs = seen.filter { !insertedHere.contains($0) }.map { known[$0].id }
        if !seenIDs.isEmpty {
            try await self.execute("UPDATE items SET last_seen = \(now) WHERE id = ANY(\(seenIDs))")
        }
        // Only `last_new_item` depends on it: rewritten in the rare batch where an update made a later copy new.
        let feedState = guessedNew == (newCount > 0) ? prepared : try await updateFeed(newItems: newCount)
        var outcome = IngestOutcome(
            newItems: newCount, updatedItems: updatedCount, unchangedItems: unchangedCount, firstFetch: firstFetch,
            alerts: alerts, feedState: feedState)
        outcome.newItemFigures = newItemFigures
        return outcome
    }

    // MARK: Feed

    mutating func loadFeed() async throws {
        let feed = batch.feed
        let rows = try await self.rows(
            """
            INSERT INTO feeds(key, name, url) VALUES (\(feed.key), \(feed.name), \(feed.url))
            ON CONFLICT (key) DO UPDATE SET name = excluded.name, url = excluded.url, active = true,
                inactive_since = NULL
            RETURNING id, first_success, guids_unreliable
            """)
        guard let row = rows.first else { throw StoreError(.database, "feed row vanished: \(feed.key)") }
        let (id, firstSuccess, unreliable) = try row.decode((Int64, Int64?, Bool).self)
        feedID = id
        firstFetch = firstSuccess == nil
        guidsUnreliable = unreliable
    }

    /// Writes the feed's state after the fetch and returns it.
    func updateFeed(newItems: Int) async throws -> FeedState {
        let s = batch.schedule
        let rows = try await self.rows(
            """
            UPDATE feeds SET etag = \(batch.validators.etag), last_modified = \(batch.validators.lastModified),
                body_hash = \(batch.bodyHash), last_fetch = \(now), last_success = \(now),
                first_success = COALESCE(first_success, \(now)), last_ingest = \(now),
                last_new_item = CASE WHEN \(newItems > 0) THEN \(now) ELSE last_new_item END,
                http_status = \(batch.httpStatus), error_kind = NULL, error = NULL, consecutive_failures = 0,
                guids_unreliable = \(guidsUnreliable),
                next_due = CASE WHEN \(s != nil) THEN \(s?.nextDue?.storeSecondsRoundedUp) ELSE next_due END,
                retry_after = CASE WHEN \(s != nil) THEN \(s?.retryAfter?.storeSeconds) ELSE retry_after END,
                ttl_floor = CASE WHEN \(s != nil) THEN \(s?.ttlFloor) ELSE ttl_floor END,
                max_age_floor = CASE WHEN \(s != nil) THEN \(s?.maxAgeFloor) ELSE max_age_floor END,
                warning = \(batch.warning),
                lease_until = CASE WHEN lease_owner = \(batch.leaseOwner) THEN NULL ELSE lease_until END,
                lease_owner = CASE WHEN lease_owner = \(batch.leaseOwner) THEN NULL ELSE lease_owner END
            WHERE id = \(feedID)
            RETURNING \(unescaped: PostgresStore.feedColumns)
            """)
        guard let row = rows.first else { throw StoreError(.database, "feed row vanished: \(batch.feed.key)") }
        return try PostgresStore.feedState(row)
    }
}
