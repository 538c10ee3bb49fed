import Foundation
import NewswatchCore
import PostgresNIO

extension PostgresStore {
    /// Deliveries owed to `sink`, oldest alert first; only those whose next attempt is due at `now` (`nil` ignores
    /// attempt times). A read, as `SQLiteStore.pendingDeliveries`: it claims nothing (`claimDeliveries` does).
    public func pendingDeliveries(sink: String, dueAt now: Date?, limit: Int) async throws -> [PendingDelivery] {
        let due = now?.storeSeconds
        let rows = try await self.rows(
            """
            SELECT \(unescaped: Self.alertColumns), d.attempts, d.last_error
            FROM deliveries d JOIN alerts a ON a.seq = d.alert_seq
            WHERE d.sink = \(sink) AND d.state = \(Self.deliveryPending)
                AND (\(due)::bigint IS NULL OR d.next_attempt IS NULL OR d.next_attempt <= \(due)::bigint)
            ORDER BY d.alert_seq LIMIT \(max(0, limit))
            """,
            "read pending deliveries")
        return try rows.map { try Self.pendingDelivery($0, sink: sink) }
    }

    /// Claims up to `limit` deliveries owed to `sink` and due at `now` for `owner` until `now + lease`, oldest alert
    /// first, skipping those another daemon holds (`FOR UPDATE SKIP LOCKED`, then an expiring claim), so each is
    /// attempted by one daemon at a time; a dead daemon's claims expire. `markDelivered`/`markFailed` end a claim.
    public func claimDeliveries(
        sink: String, owner: String, now: Date, lease: TimeInterval, limit: Int
    ) async throws -> [PendingDelivery] {
        let t = now.storeSeconds
        let until = now.addingTimeInterval(max(lease, 1)).storeSeconds
        let rows = try await self.rows(
            """
            WITH claimed AS (
                UPDATE deliveries SET claim_owner = \(owner), claim_until = \(until)
                WHERE (alert_seq, sink) IN (
                    SELECT alert_seq, sink FROM deliveries
                    WHERE sink = \(sink) AND state = \(Self.deliveryPending)
                        AND (next_attempt IS NULL OR next_attempt <= \(t))
                        AND (claim_until IS NULL OR claim_until <= \(t))
                    ORDER BY alert_seq LIMIT \(max(0, limit))
                    FOR UPDATE SKIP LOCKED)
                RETURNING alert_seq, attempts, last_error)
            SELECT \(unescaped: Self.alertColumns), d.attempts, d.last_error
            FROM claimed d JOIN alerts a ON a.seq = d.alert_seq ORDER BY d.alert_seq
            """,
            "claim deliveries")
        return try rows.map { try Self.pendingDelivery($0, sink: sink) }
    }

    /// Marks alerts delivered to `sink`; unknown or already finished deliveries are ignored (idempotent).
    public func markDelivered(alertIDs: [String], sink: String, at time: Date) async throws {
        guard !alertIDs.isEmpty else { return }
        try await transaction("mark delivered") { c -> Void in
            try await c.query(
                """
                UPDATE deliveries d SET state = \(Self.deliveryDelivered), finished = \(time.storeSeconds),
                    next_attempt = NULL, claim_owner = NULL, claim_until = NULL
                FROM alerts a
                WHERE a.seq = d.alert_seq AND a.alert_id = ANY(\(alertIDs)) AND d.sink = \(sink)
                    AND d.state = \(Self.deliveryPending)
                """, logger: logger)
        }
    }

    /// Records a failed delivery attempt (as `SQLiteStore.markFailed`) and ends any claim on it.
    @discardableResult
    public func markFailed(
        alertID: String, sink: String, at time: Date, error: String, nextAttempt: Date, giveUpAfter: TimeInterval?
    ) async throws -> DeliveryState {
        try await transaction("mark failed") { c -> DeliveryState in
            let rows = try await c.rows(
                """
                SELECT a.seq, a.detected, d.state FROM alerts a JOIN deliveries d ON d.alert_seq = a.seq
                WHERE a.alert_id = \(alertID) AND d.sink = \(sink) FOR UPDATE OF d
                """, logger: logger)
            guard let row = rows.first else {
                throw StoreError(.invalidArgument, "no delivery of alert \(alertID) to sink \(sink)")
            }
            let (seq, detected, state) = try row.decode((Int64, Int64, Int).self)
            switch state {
            case Self.deliveryDelivered: return DeliveryState.delivered
            case Self.deliveryGivenUp: return .givenUp
            default: break
            }
            let t = time.storeSeconds
            if let giveUpAfter, Double(t - detected) >= giveUpAfter {
                try await c.query(
                    """
                    UPDATE deliveries SET state = \(Self.deliveryGivenUp), attempts = attempts + 1,
                        last_error = \(error), finished = \(t), next_attempt = NULL, claim_owner = NULL,
                        claim_until = NULL
                    WHERE alert_seq = \(seq) AND sink = \(sink)
                    """, logger: logger)
                return .givenUp
            }
            try await c.query(
                """
                UPDATE deliveries SET attempts = attempts + 1, last_error = \(error),
                    next_attempt = \(nextAttempt.storeSeconds), claim_owner = NULL, claim_until = NULL
                WHERE alert_seq = \(seq) AND sink = \(sink)
                """, logger: logger)
            return .pending
        }
    }

    /// Pending and given-up delivery counts per sink (for `status`), by sink id in byte order.
    public func sinkSummaries() async throws -> [SinkSummary] {
        let rows = try await self.rows(
            """
            SELECT sink, count(*) FILTER (WHERE state = \(Self.deliveryPending)),
                count(*) FILTER (WHERE state = \(Self.deliveryGivenUp))
            FROM deliveries WHERE state IN (\(Self.deliveryPending), \(Self.deliveryGivenUp))
            GROUP BY sink ORDER BY sink COLLATE "C"
            """, "read sink summaries")
        return try rows.map { row in
            let (sink, pending, givenUp) = try row.decode((String, Int, Int).self)
            return SinkSummary(sink: sink, pending: pending, givenUp: givenUp)
        }
    }

    private static func pendingDelivery(_ row: PostgresRow, sink: String) throws -> PendingDelivery {
        let r = row.makeRandomAccess()
        return PendingDelivery(
            alert: try alert(r), sink: sink, attempts: try r["attempts"].decode(Int.self),
            lastError: try r["last_error"].decode(String?.self))
    }
}
