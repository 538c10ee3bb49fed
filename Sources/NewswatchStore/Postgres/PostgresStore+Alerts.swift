import Foundation
import NewswatchCore
import PostgresNIO

extension PostgresStore {
    /// Records `alert` with one pending delivery per sink that wants its topic, inside the caller's ingest
    /// transaction, unless its (story, topic) has alerted before — committed by this daemon or by any other, or
    /// being committed right now: `ON CONFLICT DO NOTHING` on the unique (story_key, topic) waits for a concurrent
    /// insert of the same key and then yields to it. Returns whether this call made the alert (`false`: it exists,
    /// and nothing was written).
    static func insertAlert(
        _ alert: Alert, sinks: [SinkRoute], _ c: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        let terms = JSONValue.array(alert.terms.map { .string($0) }).compact
        let inserted = try await c.rows(
            """
            INSERT INTO alerts(alert_id, story_key, topic, topic_name, priority, title, link, feed, feed_url,
                published, detected, terms, summary, sources)
            VALUES (\(alert.id), \(alert.story), \(alert.topic), \(alert.topicName), \(alert.priority.rawValue),
                \(alert.title), \(alert.link), \(alert.feed), \(alert.feedURL), \(alert.published?.storeSeconds),
                \(alert.detected.storeSeconds), \(terms), \(alert.summary), \(alert.sources))
            ON CONFLICT (story_key, topic) WHERE kind = 'new' DO NOTHING
            RETURNING seq
            """, logger: logger)
        guard let seq = try inserted.first?.decode(Int64.self) else { return false }
        let wanted = sinks.filter { $0.wants(topic: alert.topic) }.map(\.id)
        try await c.query(
            """
            INSERT INTO deliveries(alert_seq, sink, state, attempts, next_attempt)
            SELECT \(seq), sink, \(deliveryPending), 0, \(alert.detected.storeSeconds) FROM unnest(\(wanted)) AS sink
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
        a.terms, a.summary, a.story_key, a.sources
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
            sources: try row["sources"].decode(Int.self))
    }
}
