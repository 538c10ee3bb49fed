import Foundation
import GRDB
import NewswatchCore

// Timed deliveries (CONTRACT §10): a delivery row of a batched topic, or one written in quiet hours, carries the
// instant it may go (`not_before`), the start of the period it belongs to and why it waits. The deliveries of one
// (sink, topic, not_before) are one message.
extension SQLiteStore {
    /// `v4-delivery-not-before`: the timing columns; NULL (at once) for every existing row.
    static func addDeliveryTiming(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE deliveries ADD COLUMN not_before INTEGER;
                ALTER TABLE deliveries ADD COLUMN period_start INTEGER;
                ALTER TABLE deliveries ADD COLUMN hold TEXT;
                CREATE INDEX deliveries_timed ON deliveries(sink, state, not_before) WHERE not_before IS NOT NULL;
                """)
    }

    public func releasedDeliveries(sink: String, at now: Date, attemptsDue: Bool, limit: Int) throws
        -> [PendingDelivery]
    {
        try read { db in
            let t = now.storeSeconds
            let due = attemptsDue ? "AND (d.next_attempt IS NULL OR d.next_attempt <= \(t))" : ""
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.alertColumns), d.attempts, d.last_error, d.not_before, d.period_start, d.hold
                    FROM deliveries d JOIN alerts a ON a.seq = d.alert_seq
                    WHERE d.sink = ? AND d.state = ? AND d.not_before IS NOT NULL AND d.not_before <= ? \(due)
                    ORDER BY d.not_before, a.topic, d.alert_seq LIMIT ?
                    """,
                arguments: [sink, Self.deliveryPending, t, max(0, limit)])
            return rows.map { row in
                let notBefore: Int64 = row[16]
                let release = TopicDelivery.Release(
                    notBefore: Date(storeSeconds: notBefore),
                    periodStart: Date(storeSeconds: (row[17] as Int64?) ?? notBefore),
                    hold: TopicDelivery.Hold(rawValue: (row[18] as String?) ?? "") ?? .batch)
                return PendingDelivery(
                    alert: Self.alert(row), sink: sink, attempts: row[14], lastError: row[15], release: release)
            }
        }
    }

    public func deliveryTimings(at now: Date) throws -> [SinkTiming] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT sink, SUM(hold = 'quiet'), SUM(hold <> 'quiet'), MIN(not_before) FROM deliveries
                    WHERE state = ? AND not_before > ? GROUP BY sink ORDER BY sink
                    """,
                arguments: [Self.deliveryPending, now.storeSeconds]
            ).map {
                SinkTiming(
                    sink: $0[0], held: $0[1], batched: $0[2], nextBatch: ($0[3] as Int64?).map(Date.init(storeSeconds:))
                )
            }
        }
    }
}
