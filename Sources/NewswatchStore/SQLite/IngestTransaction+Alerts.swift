import Foundation
import GRDB
import NewswatchCore

extension IngestTransaction {
    // MARK: New items

    mutating func insertNew(_ e: Incoming) throws -> Int {
        let item = e.item
        let published = e.published
        let title = e.title
        let storyID = try story(for: e, title: title, time: published)
        let eligible = isEligible(published: published, undated: e.undated)
        let row = ItemInsert(
            feedID: feedID, storyID: storyID, guid: guidsUnreliable ? nil : e.guid, link: item.link,
            normLink: e.normLink, contentKey: e.contentKey, revision: e.revision, title: item.title,
            summary: e.storedSummary, published: published, undated: e.undated, updated: item.updated?.storeSeconds,
            firstSeen: now, lastSeen: now, matches: e.matchesText, heldBack: !eligible, matchText: e.matchText)
        try row.execute(in: db)
        let id = db.lastInsertedRowID
        maxItemID = max(maxItemID, id)
        newItemFigures.append(
            NewItemFigure(
                published: e.undated ? nil : Date(storeSeconds: published), firstSeen: Date(storeSeconds: now),
                topics: e.topicIDs))
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
    mutating func story(for e: Incoming, title: StoryTitle, time: Int64) throws -> Int64 {
        if let l = e.normLink, let s = otherFeedStoryByLink[l] { return s }
        if let s = index.bestStory(for: title, time: time) { return s }
        // The key derives from the item: stable across fresh databases. `stories.key` has no index (a random-order
        // one cost the writer most of its WAL pages); a key is made unique when its story first alerts (`alertKey`).
        let key = e.storyKey
        try DirectStatement(db, sql: "INSERT INTO stories(key, first_seen) VALUES (?, ?)").run { s in
            try s.bind(now, at: 2)
            try s.withText(key, at: 1, s.step)
        }
        let id = db.lastInsertedRowID
        storyKeys[id] = key
        newStories.insert(id)
        return id
    }

    /// The key the story's alerts carry, recorded in `story_keys` (the index of alerted stories' keys) on its first
    /// alert. When another story holds the key there (the same item came back after retention forgot it while its
    /// old, alerted story lives on) the story's key is salted first, or its alerts (id = story key + topic) would be
    /// the old ones. An unalerted story sharing the key harms nothing: nothing looks it up by key.
    mutating func alertKey(ofStory id: Int64) throws -> String {
        var key = try key(ofStory: id)
        guard keyedStories.insert(id).inserted else { return key }
        let record = try db.cachedStatement(sql: "INSERT OR IGNORE INTO story_keys(key, story_id) VALUES (?, ?)")
        try record.execute(arguments: [key, id])
        guard db.changesCount == 0,
            try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT story_id FROM story_keys WHERE key = ?"), arguments: [key]) != id
        else { return key }
        var salt = 0
        repeat {
            salt += 1
            key = ContentHash.hex(fields: ["story", key, String(now), String(salt)])
            try record.execute(arguments: [key, id])
        } while db.changesCount == 0
        try db.cachedStatement(sql: "UPDATE stories SET key = ? WHERE id = ?").execute(arguments: [key, id])
        storyKeys[id] = key
        return key
    }

    // MARK: Matches and alerts

    /// Whether an item may alert: on a feed's first fetch only items dated within `backfill` may; the others are
    /// stored as held back (`items.held_back`).
    func isEligible(published: Int64, undated: Bool) -> Bool {
        !firstFetch || (!undated && Double(published) >= Double(now) - batch.backfill)
    }

    /// Creates the (story, topic) alert unless one exists. An item held back by the first-fetch backfill rule does
    /// not alert and suppresses the topic for its story: later (non-first-fetch) items of that story do not alert
    /// either, they republish old news.
    mutating func considerAlert(
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

        let storyKey = try alertKey(ofStory: storyID)
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
    mutating func storyTopicState(_ key: StoryTopic) throws -> Int? {
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

    mutating func key(ofStory id: Int64) throws -> String {
        if let k = storyKeys[id] { return k }
        guard
            let k = try String.fetchOne(
                db.cachedStatement(sql: "SELECT key FROM stories WHERE id = ?"), arguments: [id])
        else { throw StoreError(.database, "story \(id) vanished") }
        storyKeys[id] = k
        return k
    }
}
