import Foundation
import NewswatchCore
import PostgresNIO

// Email batches and `max_per_hour` with several daemons (CONTRACT §9, §10): a batch's deliveries are read without a
// claim while its window is open and claimed only when it goes, so a window longer than `lease` cannot let a second
// daemon send the same alerts; a sink's admissions are counted in `deliveries.admitted_at`, shared by every daemon.
extension PostgresStore {
    /// `pg4-shared-sinks-admissions`: when each delivery was admitted under its sink's `max_per_hour`, so daemons count
    /// one limit together (`admitToSink`).
    static let sinkAdmissions = [
        "ALTER TABLE deliveries ADD COLUMN admitted_at bigint",
        "CREATE INDEX deliveries_admitted ON deliveries(sink, admitted_at) WHERE admitted_at IS NOT NULL",
    ]

    public func unclaimedDeliveries(sink: String, dueAt now: Date?, limit: Int) async throws -> [PendingDelivery] {
        let due = now?.storeSeconds
        let t = (now ?? Date()).storeSeconds
        let owner = claims?.owner
        let rows = try await self.rows(
            """
            SELECT \(unescaped: Self.alertColumns), d.attempts, d.last_error
            FROM deliveries d JOIN alerts a ON a.seq = d.alert_seq
            WHERE d.sink = \(sink) AND d.state = \(Self.deliveryPending) AND d.not_before IS NULL
                AND (\(due)::bigint IS NULL OR d.next_attempt IS NULL OR d.next_attempt <= \(due)::bigint)
                AND (d.claim_until IS NULL OR d.claim_until <= \(t) OR d.claim_owner = \(owner)::text)
            ORDER BY d.alert_seq LIMIT \(max(0, limit))
            """,
            "read unclaimed deliveries")
        return try rows.map { try Self.pendingDelivery($0, sink: sink) }
    }

    /// With ``claims``: claims the rows for the owner until `now + lease`; a row another owner holds is left to it.
    /// Claimers of one sink take turns (a transaction-scoped advisory lock), so two daemons never split one batch or
    /// deadlock over its rows; rows a delivery being recorded has locked are skipped (`SKIP LOCKED`: they are
    /// leaving the outbox). Without claims: the ids still owed.
    public func claimForSending(alertIDs: [String], sink: String, at now: Date) async throws -> Set<String> {
        guard !alertIDs.isEmpty else { return [] }
        guard let claims else {
            let rows = try await self.rows(
                """
                SELECT a.alert_id FROM deliveries d JOIN alerts a ON a.seq = d.alert_seq
                WHERE a.alert_id = ANY(\(alertIDs)) AND d.sink = \(sink) AND d.state = \(Self.deliveryPending)
                """, "read owed deliveries")
            return try Set(rows.map { try $0.decode(String.self) })
        }
        let t = now.storeSeconds
        let until = now.addingTimeInterval(max(claims.lease, 1)).storeSeconds
        let lockKey = "newswatch-send:" + sink
        let rows = try await transaction("claim deliveries for sending") { c in
            try await c.query("SELECT pg_advisory_xact_lock(hashtextextended(\(lockKey), 0))", logger: logger)
            return try await c.rows(
                """
                UPDATE deliveries SET claim_owner = \(claims.owner), claim_until = \(until)
                FROM alerts a
                WHERE a.seq = deliveries.alert_seq AND (deliveries.alert_seq, deliveries.sink) IN (
                    SELECT d.alert_seq, d.sink FROM deliveries d JOIN alerts o ON o.seq = d.alert_seq
                    WHERE o.alert_id = ANY(\(alertIDs)) AND d.sink = \(sink) AND d.state = \(Self.deliveryPending)
                        AND (d.claim_until IS NULL OR d.claim_until <= \(t) OR d.claim_owner = \(claims.owner))
                    ORDER BY d.alert_seq
                    FOR UPDATE OF d SKIP LOCKED)
                RETURNING a.alert_id
                """, logger: logger)
        }
        return try Set(rows.map { try $0.decode(String.self) })
    }

    /// Admissions of one (sink, topic) take turns (a transaction-scoped advisory lock), so two daemons never both
    /// take the last place under the limit, and the hold that follows is one for all daemons (`sink_holds`): an
    /// alert held back is marked (`held_at`) and counted in it, whichever daemon held it back.
    public func admitToSink(
        alertID: String, sink: String, topic: String, at now: Date, limit: Int, window: TimeInterval
    ) async throws -> Bool? {
        let lockKey = "newswatch-sink-rate:" + sink + "\n" + topic
        let t = now.storeSeconds
        let since = now.addingTimeInterval(-window).storeSeconds
        let until = now.addingTimeInterval(window).storeSeconds
        return try await transaction("admit to sink") { c in
            try await c.query("SELECT pg_advisory_xact_lock(hashtextextended(\(lockKey), 0))", logger: logger)
            let own = try await c.rows(
                """
                SELECT d.admitted_at, d.held_at, a.topic_name FROM deliveries d JOIN alerts a ON a.seq = d.alert_seq
                WHERE a.alert_id = \(alertID) AND d.sink = \(sink)
                """, logger: logger)
            // No row (not this sink's): nothing to count. Decided before, by this daemon or another: the same answer.
            guard let row = own.first else { return true }
            let (admitted, held, topicName) = try row.decode((Int64?, Int64?, String).self)
            if admitted != nil { return true }
            if held != nil { return false }
            let holding = try await c.rows(
                "SELECT 1 FROM sink_holds WHERE sink = \(sink) AND topic = \(topic) AND since > \(since) LIMIT 1",
                logger: logger)
            if holding.isEmpty {
                let counted = try await c.rows(
                    """
                    SELECT count(*) FROM deliveries d JOIN alerts a ON a.seq = d.alert_seq
                    WHERE d.sink = \(sink) AND d.admitted_at > \(since) AND a.topic = \(topic)
                    """, logger: logger)
                if try counted.first?.decode(Int.self) ?? 0 < limit {
                    try await c.query(
                        """
                        UPDATE deliveries d SET admitted_at = \(t) FROM alerts a
                        WHERE a.seq = d.alert_seq AND a.alert_id = \(alertID) AND d.sink = \(sink)
                        """, logger: logger)
                    return true
                }
                // Over the limit: the topic is held for this sink, for all daemons, from now for one window.
                try await c.query(
                    """
                    INSERT INTO sink_holds (sink, topic, topic_name, since, until)
                    VALUES (\(sink), \(topic), \(topicName), \(t), \(until)) ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
            try await c.query(
                """
                UPDATE deliveries d SET held_at = \(t) FROM alerts a
                WHERE a.seq = d.alert_seq AND a.alert_id = \(alertID) AND d.sink = \(sink)
                """, logger: logger)
            return false
        }
    }
}
