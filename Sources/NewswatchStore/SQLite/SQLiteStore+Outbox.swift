import Foundation
import GRDB
import NewswatchCore

extension SQLiteStore {
    public func pendingDeliveries(sink: String, dueAt now: Date?, limit: Int) throws -> [PendingDelivery] {
        try read { db in
            let due = now.map { "AND (d.next_attempt IS NULL OR d.next_attempt <= \($0.storeSeconds))" } ?? ""
            // Decoded row by row: `fetchAll` kept a copy of every row (each column boxed) beside the alerts made from
            // them, 5 MB of a soak's 33 MB heap peak at 500 rows (issue 18).
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT \(Self.alertColumns), d.attempts, d.last_error
                    FROM deliveries d JOIN alerts a ON a.seq = d.alert_seq
                    WHERE d.sink = ? AND d.state = ? AND d.not_before IS NULL \(due)
                    ORDER BY d.alert_seq LIMIT ?
                    """,
                arguments: [sink, Self.deliveryPending, max(0, limit)])
            return try Array(
                rows.map { row in
                    PendingDelivery(
                        alert: Self.alert(row), sink: sink, attempts: row["attempts"], lastError: row["last_error"])
                })
        }
    }

    public func markDelivered(alertIDs: [String], sink: String, at time: Date) throws {
        guard !alertIDs.isEmpty else { return }
        try write { db in
            let statement = try db.cachedStatement(
                sql: """
                    UPDATE deliveries SET state = ?, finished = ?, next_attempt = NULL
                    WHERE sink = ? AND state = ? AND alert_seq = (SELECT seq FROM alerts WHERE alert_id = ?)
                    """)
            for id in alertIDs {
                try statement.execute(
                    arguments: [Self.deliveryDelivered, time.storeSeconds, sink, Self.deliveryPending, id])
            }
        }
    }

    @discardableResult
    public func markFailed(
        alertID: String, sink: String, at time: Date, error: String, nextAttempt: Date, giveUpAfter: TimeInterval?
    ) throws -> DeliveryState {
        try write { db in
            try Self.failDelivery(
                db, alertID: alertID, sink: sink, at: time, error: error, nextAttempt: nextAttempt,
                giveUpAfter: giveUpAfter)
        }
    }

    public func sinkSummaries() throws -> [SinkSummary] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT sink, SUM(state = ?), SUM(state = ?) FROM deliveries
                    WHERE state IN (?, ?) GROUP BY sink ORDER BY sink
                    """,
                arguments: [Self.deliveryPending, Self.deliveryGivenUp, Self.deliveryPending, Self.deliveryGivenUp]
            ).map { SinkSummary(sink: $0[0], pending: $0[1], givenUp: $0[2]) }
        }
    }

    public func alerts(detectedFrom from: Date, to: Date) throws -> [Alert] {
        try read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT \(Self.alertColumns) FROM alerts a WHERE a.detected >= ? AND a.detected < ? ORDER BY a.seq",
                arguments: [from.storeSeconds, to.storeSeconds]
            ).map(Self.alert)
        }
    }

    static let alertColumns = """
        a.alert_id, a.topic, a.topic_name, a.priority, a.title, a.link, a.feed, a.feed_url, a.published, a.detected,
        a.terms, a.summary, a.story_key, a.sources, a.kind, a.previous_sources, a.items_last_hour, a.baseline
        """

    /// An `alerts` row selected with `alertColumns`, decoded by column name. Nullable columns are read as optionals
    /// explicitly: inferred through an optional parameter, GRDB's non-optional subscript can be chosen, and it traps.
    static func alert(_ row: Row) -> Alert {
        Alert(
            id: row["alert_id"], topic: row["topic"], topicName: row["topic_name"],
            priority: Priority(rawValue: row["priority"]) ?? .normal, title: row["title"] as String?,
            link: row["link"] as String?, feed: row["feed"], feedURL: row["feed_url"] as String?,
            published: (row["published"] as Int64?).map(Date.init(storeSeconds:)),
            detected: Date(storeSeconds: row["detected"]), terms: decodeStrings(row["terms"]),
            summary: row["summary"] as String?, story: row["story_key"], sources: row["sources"],
            kind: AlertKind(rawValue: row["kind"]) ?? .new,
            extra: AlertExtra(
                previousSources: row["previous_sources"] as Int?, itemsLastHour: row["items_last_hour"] as Int?,
                baseline: row["baseline"] as Double?))
    }

    /// Decodes a JSON array of strings written by the store (`[]` for anything else).
    static func decodeStrings(_ json: String?) -> [String] {
        guard let json, let data = json.data(using: .utf8),
            let value = try? JSONDecoder().decode([String].self, from: data)
        else { return [] }
        return value
    }
}
