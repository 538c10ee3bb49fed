import Foundation
import NewswatchCore
import PostgresNIO

extension PostgresIngest {
    // MARK: Matches and alerts

    /// Creates the (story, topic) alert of an item that may alert, unless one exists (as `IngestTransaction`'s): a
    /// topic suppressed by a held-back item of the story alerts only within a first fetch.
    mutating func considerAlert(storyID: Int64, match: TopicMatch, item: ParsedItem, published: Int64) async throws {
        if topicsByID == nil {
            var byID: [String: TopicDefinition] = [:]
            for t in batch.topics where byID[t.id] == nil { byID[t.id] = t }
            topicsByID = byID
        }
        guard let topic = topicsByID?[match.topicID], topic.alert else { return }
        let stateKey = StoryTopic(storyID: storyID, topic: topic.id)
        switch try await storyTopicState(stateKey) {
        case SQLiteStore.storyTopicAlerted?:
            return
        case SQLiteStore.storyTopicSuppressed?:
            guard firstFetch else { return }
        case nil:
            break
        default:
            return
        }
        try await self.execute(
            """
            INSERT INTO story_topics(story_id, topic, state)
            VALUES (\(storyID), \(topic.id), \(SQLiteStore.storyTopicAlerted))
            ON CONFLICT (story_id, topic) DO UPDATE SET state = excluded.state
            """)
        storyTopicStates[stateKey] = SQLiteStore.storyTopicAlerted

        let storyKey = try await key(ofStory: storyID)
        let sources = try await sourceCount(storyID)
        let alert = Alert(
            id: ContentHash.hex(fields: ["alert", storyKey, topic.id]), topic: topic.id, topicName: topic.name,
            priority: topic.priority, title: item.title, link: item.link, feed: batch.feed.name,
            feedURL: batch.feed.url, published: Date(storeSeconds: published), detected: Date(storeSeconds: now),
            terms: match.termTexts, summary: IngestTransaction.alertSummary(item), story: storyKey,
            sources: max(1, sources))
        // Batch periods and quiet hours are decided now and kept in the row, so a restart needs no memory.
        let release = topic.delivery.release(at: Date(storeSeconds: now), priority: topic.priority)
        // `false`: this exact alert was made before (by a story id reborn after pruning): never twice.
        if try await PostgresStore.insertAlert(alert, sinks: batch.sinks, release: release, c, logger: logger) {
            alerts.append(alert)
        }
    }

    /// How many feeds have an item in the story.
    func sourceCount(_ storyID: Int64) async throws -> Int {
        try await self.rows("SELECT count(DISTINCT feed_id) FROM items WHERE story_id = \(storyID)").first?.decode(
            Int.self)
            ?? 0
    }

    /// The (story, topic) state: alerted, suppressed (matched by a held-back item), or `nil`. A story's stored
    /// states are read once per transaction (one statement); stories this transaction created have none but what
    /// it recorded.
    mutating func storyTopicState(_ key: StoryTopic) async throws -> Int? {
        if let state = storyTopicStates[key] { return state }
        let story = key.storyID
        guard !newStories.contains(story), loadedStories.insert(story).inserted else { return nil }
        let rows = try await self.rows(
            """
            SELECT topic, state, NULL::text FROM story_topics WHERE story_id = \(story)
            UNION ALL
            SELECT NULL, NULL, matches FROM items WHERE story_id = \(story) AND held_back AND matches IS NOT NULL
            """)
        var held: [String] = []
        for row in rows {
            let (topic, state, matches) = try row.decode((String?, Int?, String?).self)
            if let topic, let state {
                let k = StoryTopic(storyID: story, topic: topic)
                // This transaction's own decisions are newer than stored ones, but an alert always stands.
                if storyTopicStates[k] == nil || state == SQLiteStore.storyTopicAlerted { storyTopicStates[k] = state }
            } else if let matches {
                held.append(matches)
            }
        }
        for text in held {
            for m in StoredMatch.decode(text) {
                let k = StoryTopic(storyID: story, topic: m.topic)
                if storyTopicStates[k] == nil { storyTopicStates[k] = SQLiteStore.storyTopicSuppressed }
            }
        }
        return storyTopicStates[key]
    }

    mutating func key(ofStory id: Int64) async throws -> String {
        if let k = storyKeys[id] { return k }
        guard let k = try await self.rows("SELECT key FROM stories WHERE id = \(id)").first?.decode(String.self) else {
            throw StoreError(.database, "story \(id) vanished")
        }
        storyKeys[id] = k
        return k
    }

    // MARK: Escalation

    /// Escalation (CONTRACT §10 `escalate_sources`), as `SQLiteStore.escalate`: every story this feed's new items
    /// joined that has an alert for a topic with `escalate_sources = N`, now counts N or more sources and had fewer
    /// at its last alert, alerts once more with `kind: "update"`, its `escalations` row in this transaction. The
    /// row's primary key (and the story lock) make a second update for one threshold impossible, across daemons too.
    /// - Returns: the update alerts created, in outbox order.
    func escalate() async throws -> [Alert] {
        var rules: [String: (topic: TopicDefinition, threshold: Int)] = [:]
        for topic in batch.topics where topic.alert && rules[topic.id] == nil {
            if let n = topic.rules.escalateSources, n > 1 { rules[topic.id] = (topic, n) }
        }
        guard !rules.isEmpty else { return [] }
        let topicIDs = rules.keys.sorted()
        let candidates = try await self.rows(
            """
            SELECT s.id, s.key, a.topic, max(a.sources)
            FROM items i JOIN stories s ON s.id = i.story_id JOIN alerts a ON a.story_key = s.key
            WHERE i.feed_id = \(feedID) AND i.first_seen = \(now) AND NOT i.held_back
                AND a.kind <> 'spike' AND a.topic = ANY(\(topicIDs))
            GROUP BY s.id, s.key, a.topic ORDER BY s.id, a.topic COLLATE "C"
            """)
        var sourceCounts: [Int64: Int] = [:]
        var updates: [Alert] = []
        for row in candidates {
            let (storyID, storyKey, topicID, previous) = try row.decode((Int64, String, String, Int).self)
            guard let (topic, threshold) = rules[topicID].map({ ($0.topic, $0.threshold) }), previous < threshold
            else { continue }
            let sources: Int
            if let known = sourceCounts[storyID] {
                sources = known
            } else {
                sources = try await sourceCount(storyID)
                sourceCounts[storyID] = sources
            }
            guard sources >= threshold else { continue }
            let id = ContentHash.hex(fields: ["update", storyKey, topicID, String(threshold)])
            let made = try await self.rows(
                """
                INSERT INTO escalations(story_key, topic, threshold, alert_id, at)
                VALUES (\(storyKey), \(topicID), \(threshold), \(id), \(now)) ON CONFLICT DO NOTHING RETURNING 1
                """)
            guard !made.isEmpty,
                let first = try await self.rows(
                    """
                    SELECT \(unescaped: PostgresStore.alertColumns) FROM alerts a
                    WHERE a.story_key = \(storyKey) AND a.topic = \(topicID) ORDER BY a.seq LIMIT 1
                    """
                ).first
            else { continue }
            var update = try PostgresStore.alert(first.makeRandomAccess())
            update.id = id
            update.topicName = topic.name
            update.priority = topic.priority
            update.feed = batch.feed.name
            update.feedURL = batch.feed.url
            update.detected = Date(storeSeconds: now)
            update.sources = sources
            update.kind = .update
            update.extra = AlertExtra(previousSources: previous)
            let release = topic.delivery.release(at: update.detected, priority: topic.priority)
            if try await PostgresStore.insertAlert(update, sinks: batch.sinks, release: release, c, logger: logger) {
                updates.append(update)
            }
        }
        return updates
    }
}
