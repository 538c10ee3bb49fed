import Foundation
import GRDB
import NewswatchCore

/// One `ingest` inside its write transaction.
struct IngestTransaction {
    /// An item of this feed already in the database (or stored earlier in this batch).
    struct Known {
        var id: Int64
        var guid: String?
        var normLink: String?
        var contentKey: String?
        var revision: String
        var storyID: Int64
        var title: String?
    }

    /// A `story_topics` key.
    struct StoryTopic: Hashable {
        var storyID: Int64
        var topic: String
    }

    /// A parsed item with its identifying keys, its matches and its title's words.
    struct Incoming: Sendable {
        var item: ParsedItem
        var guid: String?
        var normLink: String?
        var contentKey: String?
        var revision: String
        /// What the matcher found, one entry per topic.
        var matches: [TopicMatch]
        /// `matches` as the `items.matches` column stores them.
        var matchesText: String?
        /// The ids of `matches` (`NewItemFigure.topics`).
        var topicIDs: [String]
        /// The item's `items.match_text` (`ItemMatchText`) and `items.summary` values: JSON encoding and capping
        /// are done here, off the writer (they were an eighth of its CPU in a cold round, issue 18).
        var matchText: String?
        var storedSummary: String?
        /// The item's date in store seconds (first seen, i.e. the fetch time, when undated).
        var published: Int64
        var undated: Bool
        /// The headline's words, for items dated recently enough to join a story by title (else empty).
        var title: StoryTitle
        /// The key of the story this item starts if it joins none. It derives from the item, so re-ingesting the
        /// same item into a fresh database yields the same story and alert ids (the file sink then recognises
        /// alerts it already wrote).
        var storyKey: String
    }

    let db: Database
    let batch: IngestBatch
    let index: StoryIndex
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
    /// Stories whose key this transaction found or put in `story_keys` (`alertKey(ofStory:)`).
    var keyedStories: Set<Int64> = []
    /// Stories created by this transaction: none of their `story_topics` rows can predate it.
    var newStories: Set<Int64> = []
    /// `story_topics` states this transaction read, derived or wrote, so each story is looked up at most once.
    var storyTopicStates: [StoryTopic: Int] = [:]
    /// Stories whose stored states are in `storyTopicStates`.
    var loadedStories: Set<Int64> = []
    /// The batch's topics by id, built on the first alert check: most ingests (every held-back first fetch,
    /// feeds with nothing new that matches) never need it.
    var topicsByID: [String: TopicDefinition]?
    var alerts: [Alert] = []
    /// What `IngestOutcome.newItemFigures` reports: one entry per inserted item.
    var newItemFigures: [NewItemFigure] = []

    init(db: Database, batch: IngestBatch, index: StoryIndex) {
        self.db = db
        self.batch = batch
        self.index = index
        self.now = batch.fetchedAt.storeSeconds
    }

    mutating func run(_ incoming: [Incoming]) throws -> IngestOutcome {
        try loadFeed()
        detectGuidReuse(incoming)
        try loadKnown(incoming)

        var newCount = 0
        var updatedCount = 0
        var unchangedCount = 0
        var seen = Set<Int>()
        var insertedHere = Set<Int>()
        for entry in incoming {
            if let k = findKnown(entry) {
                if !seen.insert(k).inserted {
                    unchangedCount += 1
                    continue
                }
                if try update(k, with: entry) { updatedCount += 1 } else { unchangedCount += 1 }
            } else {
                let k = try insertNew(entry)
                seen.insert(k)
                insertedHere.insert(k)
                newCount += 1
            }
        }
        // Items inserted by this transaction already carry `last_seen = now`.
        let seenIDs = seen.filter { !insertedHere.contains($0) }.map { known[$0].id }
        for chunk in seenIDs.chunked(500) {
            try db.execute(
                sql: "UPDATE items SET last_seen = ? WHERE id IN (\(placeholders(chunk.count)))",
                arguments: StatementArguments([now] + chunk))
        }
        try updateFeed(newItems: newCount)
        var outcome = IngestOutcome(
            newItems: newCount, updatedItems: updatedCount, unchangedItems: unchangedCount, firstFetch: firstFetch,
            alerts: alerts, feedState: try SQLiteStore.existingFeedState(db, key: batch.feed.key))
        outcome.newItemFigures = newItemFigures
        return outcome
    }

    // MARK: Feed

    mutating func loadFeed() throws {
        let feed = batch.feed
        try db.cachedStatement(
            sql: """
                INSERT INTO feeds(key, name, url) VALUES (?, ?, ?)
                ON CONFLICT(key) DO UPDATE SET name = excluded.name, url = excluded.url, active = 1, inactive_since = NULL
                """
        ).execute(arguments: [feed.key, feed.name, feed.url])
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT id, first_success, guids_unreliable FROM feeds WHERE key = ?"),
                arguments: [feed.key])
        else { throw StoreError(.database, "feed row vanished: \(feed.key)") }
        feedID = row[0]
        firstFetch = (row[1] as Int64?) == nil
        guidsUnreliable = row[2]
    }

    func updateFeed(newItems: Int) throws {
        let s = batch.schedule
        try db.cachedStatement(
            sql: """
                UPDATE feeds SET etag = ?, last_modified = ?, body_hash = ?, last_fetch = ?, last_success = ?,
                    first_success = COALESCE(first_success, ?), last_ingest = ?,
                    last_new_item = CASE WHEN ? THEN ? ELSE last_new_item END,
                    http_status = ?, error_kind = NULL, error = NULL, consecutive_failures = 0, guids_unreliable = ?,
                    next_due = CASE WHEN ? THEN ? ELSE next_due END,
                    retry_after = CASE WHEN ? THEN ? ELSE retry_after END,
                    ttl_floor = CASE WHEN ? THEN ? ELSE ttl_floor END,
                    max_age_floor = CASE WHEN ? THEN ? ELSE max_age_floor END,
                    warning = ?
                WHERE id = ?
                """
        ).execute(arguments: [
            batch.validators.etag, batch.validators.lastModified, batch.bodyHash, now, now, now, now, newItems > 0, now,
            batch.httpStatus, guidsUnreliable, s != nil, s?.nextDue?.storeSecondsRoundedUp, s != nil,
            s?.retryAfter?.storeSeconds, s != nil, s?.ttlFloor, s != nil, s?.maxAgeFloor, batch.warning, feedID,
        ])
    }
}
