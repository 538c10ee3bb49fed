import Foundation
import NewswatchCore
import PostgresNIO

extension PostgresStore {
    /// Deliveries owed to `sink`, oldest alert first; only those whose next attempt is due at `now` (`nil` ignores
    /// attempt times); never a timed one (`releasedDeliveries`). A read, as `SQLiteStore.pendingDeliveries`, unless
    /// the store was opened with ``claims``: then they are claimed (`claimDeliveries`; with `now` `nil`, at the wall
    /// clock's time with attempt times ignored).
    public func pendingDeliveries(sink: String, dueAt now: Date?, limit: Int) async throws -> [PendingDelivery] {
        if let claims {
            return try await claimDeliveries(
                sink: sink, owner: claims.owner, now: now ?? Date(), lease: claims.lease,
                limit: limit, attemptsDue: now != nil)
        }
        let due = now?.storeSeconds
        let rows = try await self.rows(
            """
            SELECT \(unescaped: Self.alertColumns), d.attempts, d.last_error
            FROM deliveries d JOIN alerts a ON a.seq = d.alert_seq
            WHERE d.sink = \(sink) AND d.state = \(Self.deliveryPending) AND d.not_before IS NULL
                AND (\(due)::bigint IS NULL OR d.next_attempt IS NULL OR d.next_attempt <= \(due)::bigint)
            ORDER BY d.alert_seq LIMIT \(max(0, limit))
            """,
            "read pending deliveries")
        return try rows.map { try Self.pendingDelivery($0, sink: sink) }
    }

    /// Claims up to `limit` untimed deliveries owed to `sink` and due at `now` for `owner` until `now + lease`,
    /// oldest alert first, skipping those another daemon holds (`FOR UPDATE SKIP LOCKED`, then an expiring claim), so
    /// each is attempted by one daemon at a time; a dead daemon's claims expire. `markDelivered`/`markFailed` end a
    /// claim. The owner's own unfinished claims come back too (after the unclaimed ones, so rows it holds — a batch
    /// being gathered — never crowd new ones out of a page) and are renewed: a daemon re-reading after a success or
    /// a long page sends the rest itself instead of leaving it until its claim expires.
    public func claimDeliveries(
        sink: String, owner: String, now: Date, lease: TimeInterval, limit: Int, attemptsDue: Bool = true
    ) async throws -> [PendingDelivery] {
        let t = now.storeSeconds
        let until = now.addingTimeInterval(max(lease, 1)).storeSeconds
        let rows = try await self.rows(
            """
            WITH claimed AS (
                UPDATE deliveries SET claim_owner = \(owner), claim_until = \(until)
                WHERE (alert_seq, sink) IN (
                    SELECT alert_seq, sink FROM deliveries
                    WHERE sink = \(sink) AND state = \(Self.deliveryPending) AND not_before IS NULL
                        AND (NOT \(attemptsDue) OR next_attempt IS NULL OR next_attempt <= \(t))
                        AND (claim_until IS NULL OR claim_until <= \(t) OR claim_owner = \(owner))
                    ORDER BY claim_owner IS NOT DISTINCT FROM \(owner), alert_seq LIMIT \(max(0, limit))
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

    /// A delivery row selected with `alertColumns`, `attempts`, `last_error` and, for a timed one,
    /// `not_before`, `period_start` and `hold` (as `SQLiteStore.releasedDeliveries` reads them).
    static func pendingDelivery(_ row: PostgresRow, sink: String, timed: Bool = false) throws -> PendingDelivery {
        let r = row.makeRandomAccess()
        var release: TopicDelivery.Release?
        if timed {
            let notBefore = try r["not_before"].decode(Int64.self)
            release = TopicDelivery.Release(
                notBefore: Date(storeSeconds: notBefore),
                periodStart: Date(storeSeconds: try r["period_start"].decode(Int64?.self) ?? notBefore),
                hold: TopicDelivery.Hold(rawValue: try r["hold"].decode(String?.self) ?? "") ?? .batch)
        }
        return PendingDelivery(
            alert: try alert(r), sink: sink, attempts: try r["attempts"].decode(Int.self),
            lastError: try r["last_error"].decode(String?.self), release: release)
    }
}
