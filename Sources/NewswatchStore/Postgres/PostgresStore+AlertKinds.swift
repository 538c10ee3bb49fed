import Foundation
import NewswatchCore
import PostgresNIO

// The outbox's view of an alert: every column `SQLiteStore.alertColumns` reads, the kind and its extras included
// (pg2), decoded by column name. Kept apart from `alertColumns`/`alert(_:)` (PostgresStore+Alerts.swift, which the
// ingest extends); the two can become one at merge.
extension PostgresStore {
    static let outboxAlertColumns = """
        a.alert_id, a.topic, a.topic_name, a.priority, a.title, a.link, a.feed, a.feed_url, a.published, a.detected,
        a.terms, a.summary, a.story_key, a.sources, a.kind, a.previous_sources, a.items_last_hour, a.baseline
        """

    /// An `alerts` row selected with `outboxAlertColumns`, decoded by column name, kind and extras included.
    static func outboxAlert(_ row: PostgresRandomAccessRow) throws -> Alert {
        var alert = try alert(row)
        alert.kind = AlertKind(rawValue: try row["kind"].decode(String.self)) ?? .new
        alert.extra = AlertExtra(
            previousSources: try row["previous_sources"].decode(Int?.self),
            itemsLastHour: try row["items_last_hour"].decode(Int?.self),
            baseline: try row["baseline"].decode(Double?.self))
        return alert
    }

    /// Inserts an `update` or `spike` alert and its delivery rows (as `SQLiteStore.insertKindAlert`) inside the
    /// caller's transaction, unless an alert with its id exists: `ON CONFLICT (alert_id) DO NOTHING` waits for a
    /// concurrent insert of the same id by another daemon and yields to it. Non-file rows carry the topic's batch or
    /// quiet-hours timing. Returns whether it was inserted.
    static func insertExtraAlert(
        _ alert: Alert, topic: TopicDefinition, sinks: [SinkRoute], _ c: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        let terms = JSONValue.array(alert.terms.map { .string($0) }).compact
        let inserted = try await c.rows(
            """
            INSERT INTO alerts(alert_id, story_key, topic, topic_name, priority, title, link, feed, feed_url,
                published, detected, terms, summary, sources, kind, previous_sources, items_last_hour, baseline)
            VALUES (\(alert.id), \(alert.story), \(alert.topic), \(alert.topicName), \(alert.priority.rawValue),
                \(alert.title), \(alert.link), \(alert.feed), \(alert.feedURL), \(alert.published?.storeSeconds),
                \(alert.detected.storeSeconds), \(terms), \(alert.summary), \(alert.sources), \(alert.kind.rawValue),
                \(alert.extra.previousSources), \(alert.extra.itemsLastHour), \(alert.extra.baseline))
            ON CONFLICT (alert_id) DO NOTHING
            RETURNING seq
            """, logger: logger)
        guard let seq = try inserted.first?.decode(Int64.self) else { return false }
        let release = topic.delivery.release(at: alert.detected, priority: topic.priority)
        for sink in sinks where sink.wants(topic: alert.topic) {
            let timed = sink.id == SinkRoute.fileSinkID ? nil : release
            try await c.query(
                """
                INSERT INTO deliveries(alert_seq, sink, state, attempts, next_attempt, not_before, period_start, hold)
                VALUES (\(seq), \(sink.id), \(deliveryPending), 0, \(alert.detected.storeSeconds),
                    \(timed?.notBefore.storeSeconds), \(timed?.periodStart.storeSeconds), \(timed?.hold.rawValue))
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        return true
    }
}
