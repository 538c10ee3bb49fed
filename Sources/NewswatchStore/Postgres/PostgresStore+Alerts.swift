import Foundation
import NewswatchCore
import PostgresNIO

extension PostgresStore {
    /// Records `alert` with one pending delivery per sink that wants its topic, inside the caller's ingest
    /// transaction, unless it exists: a `new` alert whose (story, topic) has alerted before — committed by this
    /// daemon or by any other, or being committed right now — or an alert with its id. `ON CONFLICT DO NOTHING`
    /// without a target makes every unique index an arbiter: a concurrent insert of the same key is waited for and
    /// then yielded to, whichever index (the partial one on new alerts' (story, topic), or `alert_id`) meets it
    /// first. (Naming the partial index alone let a concurrent copy fail on `alert_id` instead: SQLSTATE 23505.)
    /// The non-file deliveries carry `release` (the topic's batch period or quiet hours, decided now and kept in the
    /// row, as SQLite's). Returns whether this call made the alert (`false`: nothing was written).
    static func insertAlert(
        _ alert: Alert, sinks: [SinkRoute], release: TopicDelivery.Release? = nil, _ c: PostgresConnection,
        logger: Logger
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
            ON CONFLICT DO NOTHING
            RETURNING seq
            """, logger: logger)
        guard let seq = try inserted.first?.decode(Int64.self) else { return false }
        let wanted = sinks.filter { $0.wants(topic: alert.topic) }.map(\.id)
        let (notBefore, periodStart, hold) = (
            release?.notBefore.storeSeconds, release?.periodStart.storeSeconds, release?.hold.rawValue
        )
        try await c.query(
            """
            INSERT INTO deliveries(alert_seq, sink, state, attempts, next_attempt, not_before, period_start, hold)
            SELECT \(seq), sink, \(deliveryPending), 0, \(alert.detected.storeSeconds),
                CASE WHEN sink = \(SinkRoute.fileSinkID) THEN NULL ELSE \(notBefore)::bigint END,
                CASE WHEN sink = \(SinkRoute.fileSinkID) THEN NULL ELSE \(periodStart)::bigint END,
                CASE WHEN sink = \(SinkRoute.fileSinkID) THEN NULL ELSE \(hold)::text END
            FROM unnest(\(wanted)) AS sink
            ON CONFLICT DO NOTHING
            """, logger: logger)
        return true
    }

    /// `deliveries.state` values (as SQLite's).
    static let deliveryPending = 0
    static let deliveryDelivered = 1
    static let deliveryGivenUp = 2

    static let alertColumns = """
        a.alert_id, a.topic, a.topic_name, a.priority, a.title, a.link, a.feed, a.feed_url, a.published, a.detected,
        a.terms, a.summary, a.story_key, a.sources, a.kind, a.previous_sources, a.items_last_hour, a.baseline
        """

    /// An `alerts` row selected with `alertColumns`, decoded by column name.
    static func alert(_ row: PostgresRandomAccessRow) throws -> Alert {
        Alert(
            id: try row["alert_id"].decode(String.self), topic: try row["topic"].decode(String.self),
            topicName: try row["topic_name"].decode(String.self),
            priority: Priority(rawValue: try row["priority"].decode(String.self)) ?? .normal,
            title: try row["title"].decode(String?.self), link: try row["link"].decode(String?.self),
            feed: try row["feed"].decode(String.self), feedURL: try row["feed_url"].decode(String?.self),
            published: try row["published"].decode(Int64?.self).map(Date.init(storeSeconds:)),
            detected: Date(storeSeconds: try row["detected"].decode(Int64.self)),
            terms: SQLiteStore.decodeStrings(try row["terms"].decode(String.self)),
            summary: try row["summary"].decode(String?.self), story: try row["story_key"].decode(String.self),
            sources: try row["sources"].decode(Int.self),
            kind: AlertKind(rawValue: try row["kind"].decode(String.self)) ?? .new,
            extra: AlertExtra(
                previousSources: try row["previous_sources"].decode(Int?.self),
                itemsLastHour: try row["items_last_hour"].decode(Int?.self),
                baseline: try row["baseline"].decode(Double?.self)))
    }
}
