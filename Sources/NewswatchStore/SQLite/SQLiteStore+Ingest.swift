import Foundation
import GRDB
import NewswatchCore

extension SQLiteStore {
    public func ingest(_ batch: IngestBatch) throws -> IngestOutcome {
        // Keys, hashes and matches need no database. Callers that can compute them on another thread first
        // (`IngestBatch.prepare()`) keep the writer's serial section short; otherwise they are computed here,
        // before taking the writer.
        let incoming = batch.prepared ?? IngestTransaction.prepare(batch)
        ingestLock.lock()
        defer { ingestLock.unlock() }
        var maxItemID: Int64 = 0
        let outcome: IngestOutcome
        do {
            outcome = try write { db in
                try storyIndex.catchUp(db, now: batch.fetchedAt.storeSeconds)
                var transaction = IngestTransaction(db: db, batch: batch, index: storyIndex)
                var outcome = try transaction.run(incoming)
                outcome.alerts += try SQLiteStore.escalate(db, batch: batch, now: batch.fetchedAt.storeSeconds)
                maxItemID = transaction.maxItemID
                return outcome
            }
        } catch {
            // A rolled-back ingest must leave no trace in the index.
            storyIndex.discardPending()
            throw error
        }
        // Only after the commit do the batch's titles become permanent.
        storyIndex.commitPending(highWater: maxItemID)
        return outcome
    }
}

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
    private(set) var maxItemID: Int64 = 0

    private var feedID: Int64 = 0
    private var firstFetch = false
    private var guidsUnreliable = false
    private var known: [Known] = []
    private var knownByID: [Int64: Int] = [:]
    private var byLink: [String: [Int]] = [:]
    private var byGuid: [String: [Int]] = [:]
    private var byContent: [String: [Int]] = [:]
    private var otherFeedStoryByLink: [String: Int64] = [:]
    private var storyKeys: [Int64: String] = [:]
    /// Stories created by this transaction: none of their `story_topics` rows can predate it.
    private var newStories: Set<Int64> = []
    /// `story_topics` states this transaction read, derived or wrote, so each story is looked up at most once.
    private var storyTopicStates: [StoryTopic: Int] = [:]
    /// Stories whose stored states are in `storyTopicStates`.
    private var loadedStories: Set<Int64> = []
    /// The batch's topics by id, built on the first alert check: most ingests (every held-back first fetch,
    /// feeds with nothing new that matches) never need it.
    private var topicsByID: [String: TopicDefinition]?
    private var alerts: [Alert] = []

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
        return IngestOutcome(
            newItems: newCount, updatedItems: updatedCount, unchangedItems: unchangedCount, firstFetch: firstFetch,
            alerts: alerts, feedState: try SQLiteStore.existingFeedState(db, key: batch.feed.key))
    }

    // MARK: Feed

    private mutating func loadFeed() throws {
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

    private func updateFeed(newItems: Int) throws {
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
            batch.httpStatus, guidsUnreliable, s != nil, s?.nextDue?.storeSeconds, s != nil,
            s?.retryAfter?.storeSeconds, s != nil, s?.ttlFloor, s != nil, s?.maxAgeFloor, batch.warning, feedID,
        ])
    }

    // MARK: Recognising items

    static func prepare(_ batch: IngestBatch) -> [Incoming] {
        let now = batch.fetchedAt.storeSeconds
        return batch.items.map { prepare($0, feedKey: batch.feed.key, now: now, matcher: batch.matcher) }
    }

    static func prepare(_ item: ParsedItem, feedKey: String, now: Int64, matcher: (ParsedItem) -> [TopicMatch])
        -> Incoming
    {
        let guid = item.id.map(trimmed).flatMap { $0.isEmpty ? nil : $0 }
        let normLink = item.link.flatMap(LinkNormalizer.normalize)
        let title = StoryTitle.normalizedText(item.title ?? "")
        let body = StoryTitle.normalizedText(String((item.summary ?? item.content ?? "").prefix(400)))
        let contentKey = title.isEmpty && body.isEmpty ? nil : ContentHash.hex(fields: ["c", title, body])
        let revision = ContentHash.hex(fields: [
            item.title ?? "", item.summary ?? "", item.content ?? "", item.link ?? "",
            item.categories.joined(separator: "\u{1F}"),
        ])
        // One entry per topic (the matcher gives that; a hand-written matcher might not).
        var matches = matcher(item)
        if matches.count > 1 {
            var seen = Set<String>(minimumCapacity: matches.count)
            if !matches.allSatisfy({ seen.insert($0.topicID).inserted }) {
                seen.removeAll(keepingCapacity: true)
                matches = matches.filter { seen.insert($0.topicID).inserted }
            }
        }
        // A feed that dates items only by `dc:date`/Atom `updated` (RSS 1.0 does) still dates them.
        let date = item.published ?? item.updated
        let published = date?.storeSeconds ?? now
        // Only items dated near the index's window can join a story by title; skip the words for the rest.
        let words = published >= now - 2 * StoryIndex.window ? StoryTitle(item.title ?? "") : StoryTitle("")
        return Incoming(
            item: item, guid: guid, normLink: normLink, contentKey: contentKey, revision: revision, matches: matches,
            matchesText: StoredMatch.encode(matches), published: published, undated: date == nil, title: words,
            storyKey: ContentHash.hex(fields: [
                "story", feedKey, guid ?? "", normLink ?? "", contentKey ?? "", revision,
            ]))
    }

    /// `s` without surrounding white space; ids almost never have any, so avoid Foundation's trim then.
    static func trimmed(_ s: String) -> String {
        guard let first = s.utf8.first, let last = s.utf8.last else { return s }
        func plain(_ b: UInt8) -> Bool { b > 32 && b < 0x80 }
        if plain(first) && plain(last) { return s }
        return s.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A feed that gives two different items of one document the same id cannot be trusted with ids.
    private mutating func detectGuidReuse(_ incoming: [Incoming]) {
        guard !guidsUnreliable else { return }
        var identity: [String: String] = [:]
        for e in incoming {
            guard let guid = e.guid else { continue }
            let id = e.normLink ?? e.contentKey ?? e.revision
            if let previous = identity[guid], previous != id {
                guidsUnreliable = true
                return
            }
            identity[guid] = id
        }
    }

    private mutating func loadKnown(_ incoming: [Incoming]) throws {
        let columns = "id, feed_id, guid, norm_link, content_key, revision, story_id, title"
        let links = Array(Set(incoming.compactMap(\.normLink)))
        for chunk in links.chunked(500) {
            let rows = try Row.fetchCursor(
                db.cachedStatement(
                    sql: "SELECT \(columns) FROM items WHERE norm_link IN (\(placeholders(chunk.count))) ORDER BY id"),
                arguments: StatementArguments(chunk))
            while let row = try rows.next() {
                if (row[1] as Int64) == feedID {
                    remember(row)
                } else if let link: String = row[3], otherFeedStoryByLink[link] == nil {
                    otherFeedStoryByLink[link] = row[6]
                }
            }
        }
        // A feed's first successful fetch: none of its items can be stored yet (only other feeds' links matter).
        if firstFetch { return }
        if !guidsUnreliable {
            let guids = Array(Set(incoming.compactMap(\.guid)))
            for chunk in guids.chunked(500) {
                let rows = try Row.fetchCursor(
                    db.cachedStatement(
                        sql: """
                            SELECT \(columns) FROM items WHERE feed_id = ? AND guid IN (\(placeholders(chunk.count)))
                            ORDER BY id
                            """),
                    arguments: StatementArguments([feedID]) + StatementArguments(chunk))
                while let row = try rows.next() { remember(row) }
            }
        }
        let contents = Array(Set(incoming.compactMap(\.contentKey)))
        for chunk in contents.chunked(500) {
            let rows = try Row.fetchCursor(
                db.cachedStatement(
                    sql: """
                        SELECT \(columns) FROM items WHERE feed_id = ? AND content_key IN (\(placeholders(chunk.count)))
                        ORDER BY id
                        """),
                arguments: StatementArguments([feedID]) + StatementArguments(chunk))
            while let row = try rows.next() { remember(row) }
        }
    }

    private mutating func remember(_ row: Row) {
        let id: Int64 = row[0]
        guard knownByID[id] == nil else { return }
        remember(
            Known(
                id: id, guid: row[2], normLink: row[3], contentKey: row[4], revision: row[5], storyID: row[6],
                title: row[7]))
    }

    @discardableResult
    private mutating func remember(_ k: Known) -> Int {
        let i = known.count
        known.append(k)
        knownByID[k.id] = i
        index(i)
        return i
    }

    private mutating func index(_ i: Int) {
        let k = known[i]
        if let l = k.normLink, !(byLink[l]?.contains(i) ?? false) { byLink[l, default: []].append(i) }
        if let g = k.guid, !(byGuid[g]?.contains(i) ?? false) { byGuid[g, default: []].append(i) }
        if let c = k.contentKey, !(byContent[c]?.contains(i) ?? false) { byContent[c, default: []].append(i) }
    }

    /// The known item `e` is, by link, then id, then content — each only where the other keys do not contradict.
    private func findKnown(_ e: Incoming) -> Int? {
        if let l = e.normLink, let i = byLink[l]?.first { return i }
        if let g = e.guid, !guidsUnreliable, let candidates = byGuid[g] {
            // An id shared by a different headline (and not the same link) is a reused id, not an update.
            if let i = candidates.first(where: { c in
                let k = known[c]
                return (k.normLink != nil && k.normLink == e.normLink)
                    || IngestTransaction.sameHeadline(k.title, e.item.title)
            }) {
                return i
            }
        }
        if let c = e.contentKey, let candidates = byContent[c] {
            if let i = candidates.first(where: { c in
                guard let a = known[c].normLink, let b = e.normLink else { return true }
                return a == b
            }) {
                return i
            }
        }
        return nil
    }

    /// Whether two versions of one item's headline are close enough to be an edit rather than another item.
    static func sameHeadline(_ a: String?, _ b: String?) -> Bool {
        if a == b { return true }
        return StoryTitle(a ?? "").similarity(to: StoryTitle(b ?? "")) >= 0.5
    }

    // MARK: Updates

    /// Applies a seen-again item; returns whether it changed. Changed items are matched again and may alert topics
    /// they did not match before.
    private mutating func update(_ i: Int, with e: Incoming) throws -> Bool {
        var k = known[i]
        if k.revision == e.revision {
            if let g = e.guid, g != k.guid, !guidsUnreliable {
                // Ids that change on every fetch: follow them so the next lookup by id still works.
                try db.cachedStatement(sql: "UPDATE items SET guid = ? WHERE id = ?").execute(arguments: [g, k.id])
                k.guid = g
                known[i] = k
                index(i)
            }
            return false
        }
        let item = e.item
        try db.cachedStatement(
            sql: """
                UPDATE items SET guid = COALESCE(?, guid), link = COALESCE(?, link), norm_link = COALESCE(?, norm_link),
                    content_key = COALESCE(?, content_key), revision = ?, title = ?, summary = ?, updated = ?,
                    match_text = ?
                WHERE id = ?
                """
        ).execute(arguments: [
            guidsUnreliable ? nil : e.guid, item.link, e.normLink, e.contentKey, e.revision, item.title,
            IngestTransaction.storedSummary(item), (item.updated ?? item.published)?.storeSeconds,
            ItemMatchText.encode(item), k.id,
        ])
        if !guidsUnreliable, let g = e.guid { k.guid = g }
        k.normLink = e.normLink ?? k.normLink
        k.contentKey = e.contentKey ?? k.contentKey
        k.revision = e.revision
        k.title = item.title
        known[i] = k
        index(i)

        let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT published, undated, matches FROM items WHERE id = ?"), arguments: [k.id])
        let published: Int64 = row?[0] ?? now
        let undated: Bool = row?[1] ?? true
        var matched = Set(StoredMatch.decode(row?[2]).map(\.topic))
        for text in try String.fetchAll(
            db.cachedStatement(sql: "SELECT matches FROM item_rematches WHERE item_id = ?"), arguments: [k.id])
        {
            for m in StoredMatch.decode(text) { matched.insert(m.topic) }
        }
        let newMatches = e.matches.filter { !matched.contains($0.topicID) }
        if let text = StoredMatch.encode(newMatches) {
            try db.cachedStatement(sql: "INSERT INTO item_rematches(item_id, matched_at, matches) VALUES (?, ?, ?)")
                .execute(arguments: [k.id, now, text])
        }
        let eligible = isEligible(published: published, undated: undated)
        for match in newMatches {
            try considerAlert(
                storyID: k.storyID, match: match, item: item, published: published, eligible: eligible)
        }
        return true
    }

    // MARK: New items

    private mutating func insertNew(_ e: Incoming) throws -> Int {
        let item = e.item
        let published = e.published
        let title = e.title
        let storyID = try story(for: e, title: title, time: published)
        let eligible = isEligible(published: published, undated: e.undated)
        try db.cachedStatement(
            sql: """
                INSERT INTO items(feed_id, story_id, guid, link, norm_link, content_key, revision, title, summary,
                    published, undated, updated, first_seen, last_seen, matches, held_back, match_text)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            feedID, storyID, guidsUnreliable ? nil : e.guid, item.link, e.normLink, e.contentKey, e.revision,
            item.title, IngestTransaction.storedSummary(item), published, e.undated, item.updated?.storeSeconds, now,
            now, e.matchesText, !eligible, ItemMatchText.encode(item),
        ])
        let id = db.lastInsertedRowID
        maxItemID = max(maxItemID, id)
        let i = remember(
            Known(
                id: id, guid: guidsUnreliable ? nil : e.guid, normLink: e.normLink, contentKey: e.contentKey,
                revision: e.revision, storyID: storyID, title: item.title))
        if published >= now - StoryIndex.window, title.hashes.count >= StoryTitle.minimumTokens {
            index.addPending(StoryIndex.Entry(storyID: storyID, time: published, title: title))
        }
        // A held-back item never alerts, and within this transaction (a first fetch) a story's suppressed topics
        // alert exactly as untouched ones would; later transactions derive them from `held_back`.
        if eligible {
            for match in e.matches {
                try considerAlert(storyID: storyID, match: match, item: item, published: published, eligible: true)
            }
        }
        return i
    }

    /// The story a new item belongs to: the story of any item with the same link, else of a near-identical
    /// headline dated within 48 hours, else a new story.
    private mutating func story(for e: Incoming, title: StoryTitle, time: Int64) throws -> Int64 {
        if let l = e.normLink, let s = otherFeedStoryByLink[l] { return s }
        if let s = index.bestStory(for: title, time: time) { return s }
        var key = e.storyKey  // derived from the item: stable across fresh databases
        let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO stories(key, first_seen) VALUES (?, ?)")
        try insert.execute(arguments: [key, now])
        var salt = 0
        while db.changesCount == 0 {
            // The same item came back after retention forgot it while its old story lives on: a new story.
            salt += 1
            key = ContentHash.hex(fields: ["story", key, String(now), String(salt)])
            try insert.execute(arguments: [key, now])
        }
        let id = db.lastInsertedRowID
        storyKeys[id] = key
        newStories.insert(id)
        return id
    }

    // MARK: Matches and alerts

    /// Whether an item may alert: on a feed's first fetch only items dated within `backfill` may; the others are
    /// stored as held back (`items.held_back`).
    private func isEligible(published: Int64, undated: Bool) -> Bool {
        !firstFetch || (!undated && Double(published) >= Double(now) - batch.backfill)
    }

    /// Creates the (story, topic) alert unless one exists. An item held back by the first-fetch backfill rule does
    /// not alert and suppresses the topic for its story: later (non-first-fetch) items of that story do not alert
    /// either, they republish old news.
    private mutating func considerAlert(
        storyID: Int64, match: TopicMatch, item: ParsedItem, published: Int64, eligible: Bool
    ) throws {
        if topicsByID == nil {
            var byID: [String: TopicDefinition] = [:]
            for t in batch.topics where byID[t.id] == nil { byID[t.id] = t }
            topicsByID = byID
        }
        guard let topic = topicsByID?[match.topicID], topic.alert else { return }
        let stateKey = StoryTopic(storyID: storyID, topic: topic.id)
        switch try storyTopicState(stateKey) {
        case SQLiteStore.storyTopicAlerted?:
            return
        case SQLiteStore.storyTopicSuppressed?:
            guard firstFetch && eligible else { return }
        case nil:
            // Nothing to write for a held-back item: its `held_back` flag and its stored matches say it.
            guard eligible else { return }
        default:
            return
        }
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO story_topics(story_id, topic, state) VALUES (?, ?, ?)")
            .execute(arguments: [storyID, topic.id, SQLiteStore.storyTopicAlerted])
        storyTopicStates[stateKey] = SQLiteStore.storyTopicAlerted

        let storyKey = try key(ofStory: storyID)
        let sources =
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT COUNT(DISTINCT feed_id) FROM items WHERE story_id = ?"),
                arguments: [storyID]) ?? 1
        let alert = Alert(
            id: ContentHash.hex(fields: ["alert", storyKey, topic.id]), topic: topic.id, topicName: topic.name,
            priority: topic.priority, title: item.title, link: item.link, feed: batch.feed.name,
            feedURL: batch.feed.url, published: Date(storeSeconds: published), detected: Date(storeSeconds: now),
            terms: match.termTexts, summary: IngestTransaction.alertSummary(item), story: storyKey,
            sources: max(1, sources))
        try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO alerts(alert_id, story_key, topic, topic_name, priority, title, link, feed,
                    feed_url, published, detected, terms, summary, sources)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            alert.id, alert.story, alert.topic, alert.topicName, alert.priority.rawValue, alert.title, alert.link,
            alert.feed, alert.feedURL, published, now, JSONValue.array(alert.terms.map { .string($0) }).compact,
            alert.summary, alert.sources,
        ])
        // An existing row means this exact alert was made before (a story id reborn after pruning): never twice.
        guard db.changesCount > 0 else { return }
        let seq = db.lastInsertedRowID
        let delivery = try db.cachedStatement(
            sql:
                "INSERT OR IGNORE INTO deliveries(alert_seq, sink, state, attempts, next_attempt, not_before, "
                + "period_start, hold) VALUES (?, ?, ?, 0, ?, ?, ?, ?)"
        )
        // Batch periods and quiet hours are decided now and kept in the row, so a restart needs no memory.
        let release = topic.delivery.release(at: Date(storeSeconds: now), priority: topic.priority)
        for sink in batch.sinks where sink.wants(topic: topic.id) {
            let timed = sink.id == SinkRoute.fileSinkID ? nil : release
            try delivery.execute(arguments: [
                seq, sink.id, SQLiteStore.deliveryPending, now, timed?.notBefore.storeSeconds,
                timed?.periodStart.storeSeconds, timed?.hold.rawValue,
            ])
        }
        alerts.append(alert)
    }

    /// The (story, topic) state: alerted, suppressed (matched by a held-back item), or `nil`. A story's stored
    /// states are read once per transaction; stories this transaction created have none but what it recorded.
    private mutating func storyTopicState(_ key: StoryTopic) throws -> Int? {
        if let state = storyTopicStates[key] { return state }
        let story = key.storyID
        guard !newStories.contains(story), loadedStories.insert(story).inserted else { return nil }
        let rows = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT topic, state FROM story_topics WHERE story_id = ?"), arguments: [story])
        while let row = try rows.next() {
            let k = StoryTopic(storyID: story, topic: row[0])
            let state: Int = row[1]
            // This transaction's own decisions are newer than stored ones, but an alert always stands.
            if storyTopicStates[k] == nil || state == SQLiteStore.storyTopicAlerted { storyTopicStates[k] = state }
        }
        let held = try String.fetchAll(
            db.cachedStatement(
                sql: "SELECT matches FROM items WHERE story_id = ? AND held_back = 1 AND matches IS NOT NULL"),
            arguments: [story])
        for text in held {
            for m in StoredMatch.decode(text) {
                let k = StoryTopic(storyID: story, topic: m.topic)
                if storyTopicStates[k] == nil { storyTopicStates[k] = SQLiteStore.storyTopicSuppressed }
            }
        }
        return storyTopicStates[key]
    }

    private mutating func key(ofStory id: Int64) throws -> String {
        if let k = storyKeys[id] { return k }
        guard
            let k = try String.fetchOne(
                db.cachedStatement(sql: "SELECT key FROM stories WHERE id = ?"), arguments: [id])
        else { throw StoreError(.database, "story \(id) vanished") }
        storyKeys[id] = k
        return k
    }

    // MARK: Text

    /// What digests show: the summary (or the start of the content), capped so the database stays small.
    static func storedSummary(_ item: ParsedItem) -> String? {
        guard let s = item.summary ?? item.content, !s.isEmpty else { return nil }
        // utf8.count is O(1); counting characters is not, and most summaries are short.
        return s.utf8.count <= 1000 ? s : String(s.prefix(1000))
    }

    /// At most 300 characters of plain text, cut at a word boundary with an ellipsis (CONTRACT §4).
    static func alertSummary(_ item: ParsedItem) -> String? {
        guard let s = item.summary ?? item.content, !s.isEmpty else { return nil }
        return truncate(s, to: 300)
    }

    static func truncate(_ s: String, to limit: Int) -> String {
        guard s.utf8.count > limit, s.count > limit else { return s }
        var cut = s.prefix(limit - 1)
        if let space = cut.lastIndex(of: " "), cut.distance(from: cut.startIndex, to: space) > limit / 2 {
            cut = cut[..<space]
        }
        while let last = cut.last, last == " " || last == "," || last == ";" || last == ":" { cut = cut.dropLast() }
        return cut + "…"
    }
}

func placeholders(_ n: Int) -> String {
    var s = "?"
    if n > 1 { s += String(repeating: ",?", count: n - 1) }
    return s
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
