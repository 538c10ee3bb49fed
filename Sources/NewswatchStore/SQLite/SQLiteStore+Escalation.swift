import Foundation
import GRDB
import NewswatchCore

extension SQLiteStore {
    /// Escalation (CONTRACT §10 `escalate_sources`), run inside an ingest's write transaction after its items are
    /// stored: every story this feed's new items joined that has an alert for a topic with `escalate_sources = N`,
    /// now counts N or more sources and had fewer at its last alert for the topic, alerts once more with
    /// `kind: "update"`. The `escalations` row (story, topic, N) is written in the same transaction as the update
    /// and its delivery rows, and its primary key makes a second update for the same threshold impossible.
    /// - Returns: the update alerts created, in outbox order.
    static func escalate(_ db: Database, batch: IngestBatch, now: Int64) throws -> [Alert] {
        var rules: [String: (topic: TopicDefinition, threshold: Int)] = [:]
        // Per ingest over every topic, and few escalate: the rule is looked at before the id is hashed.
        for topic in batch.topics where topic.alert {
            if let n = topic.rules.escalateSources, n > 1, rules[topic.id] == nil { rules[topic.id] = (topic, n) }
        }
        guard !rules.isEmpty else { return [] }
        // One query for the candidates: the stories this feed's new items joined, with each escalating topic's
        // alerts on them. A held-back item (a first fetch's old or undated one) alerts nothing, so escalates
        // nothing either: that skips the up to `max_items` stories of a first fetch.
        let topicIDs = rules.keys.sorted()
        let candidates = try Row.fetchAll(
            db,
            sql: """
                SELECT k.story_id, k.key, a.topic, MAX(a.sources)
                FROM items i JOIN story_keys k ON k.story_id = i.story_id JOIN alerts a ON a.story_key = k.key
                WHERE i.feed_id = (SELECT id FROM feeds WHERE key = ?) AND i.first_seen = ? AND i.held_back = 0
                    AND a.kind != 'spike' AND a.topic IN (\(topicIDs.map { _ in "?" }.joined(separator: ", ")))
                GROUP BY k.story_id, a.topic ORDER BY k.story_id, a.topic
                """,
            arguments: StatementArguments([batch.feed.key, now] as [any DatabaseValueConvertible] + topicIDs))
        // Sources per story, counted once however many of its topics escalate.
        var sourceCounts: [Int64: Int] = [:]
        var updates: [Alert] = []
        for row in candidates {
            let storyID: Int64 = row[0]
            let storyKey: String = row[1]
            let topicID: String = row[2]
            let previous: Int = row[3]
            guard let (topic, threshold) = rules[topicID].map({ ($0.topic, $0.threshold) }), previous < threshold
            else { continue }
            let sources: Int
            if let known = sourceCounts[storyID] {
                sources = known
            } else {
                sources =
                    try Int.fetchOne(
                        db.cachedStatement(sql: "SELECT COUNT(DISTINCT feed_id) FROM items WHERE story_id = ?"),
                        arguments: [storyID]) ?? 0
                sourceCounts[storyID] = sources
            }
            guard sources >= threshold else { continue }
            let id = ContentHash.hex(fields: ["update", storyKey, topicID, String(threshold)])
            try db.execute(
                sql:
                    "INSERT OR IGNORE INTO escalations(story_key, topic, threshold, alert_id, at) VALUES (?, ?, ?, ?, ?)",
                arguments: [storyKey, topicID, threshold, id, now])
            guard db.changesCount > 0,
                let first = try Row.fetchOne(
                    db,
                    sql:
                        "SELECT \(alertColumns) FROM alerts a WHERE a.story_key = ? AND a.topic = ? ORDER BY a.seq",
                    arguments: [storyKey, topicID])
            else { continue }
            var update = alert(first)
            update.id = id
            update.topicName = topic.name
            update.priority = topic.priority
            update.feed = batch.feed.name
            update.feedURL = batch.feed.url
            update.detected = Date(storeSeconds: now)
            update.sources = sources
            update.kind = .update
            update.extra = AlertExtra(previousSources: previous)
            if try insertKindAlert(db, update, topic: topic, sinks: batch.sinks) { updates.append(update) }
        }
        return updates
    }
}
