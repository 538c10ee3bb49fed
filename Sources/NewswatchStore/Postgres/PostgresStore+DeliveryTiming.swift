import Foundation
import NewswatchCore
import PostgresNIO

// Timed deliveries (CONTRACT §10), as SQLiteStore+DeliveryTiming.swift: a batched or quiet-hours row carries the
// instant it may go (`not_before`); the rows of one (sink, topic, not_before) are one message.
extension PostgresStore {
    /// Timed deliveries owed to `sink` whose time has come at `now`, by release instant, topic and alert;
    /// `attemptsDue`: only those whose next attempt is due too. A read, unless the store was opened with ``claims``:
    /// then whole batches are claimed (`claimReleasedDeliveries`).
    public func releasedDeliveries(sink: String, at now: Date, attemptsDue: Bool, limit: Int) async throws
        -> [PendingDelivery]
    {
        if let claims {
            return try await claimReleasedDeliveries(
                sink: sink, owner: claims.owner, now: now, lease: claims.lease, attemptsDue: attemptsDue, limit: limit)
        }
        let t = now.storeSeconds
        let rows = try await self.rows(
            """
            SELECT \(unescaped: Self.alertColumns), d.attempts, d.last_error, d.not_before, d.period_start,
                d.hold
            FROM deliveries d JOIN alerts a ON a.seq = d.alert_seq
            WHERE d.sink = \(sink) AND d.state = \(Self.deliveryPending) AND d.not_before IS NOT NULL
                AND d.not_before <= \(t)
                AND (NOT \(attemptsDue) OR d.next_attempt IS NULL OR d.next_attempt <= \(t))
            ORDER BY d.not_before, a.topic COLLATE "C", d.alert_seq LIMIT \(max(0, limit))
            """, "read released deliveries")
        return try rows.map { try Self.pendingDelivery($0, sink: sink, timed: true) }
    }

    /// Claims for `owner` until `now + lease` the timed deliveries `releasedDeliveries` would return, in WHOLE
    /// batches, so two daemons never send one (topic, period) as two messages: a batch any row of which another
    /// owner holds is skipped entirely (a row committed into it late waits for that owner, who may re-claim its own
    /// rows: a claim read during the release grace and not sent yet is renewed, not lost), and `limit` never cuts a
    /// batch except a first one larger than it (cut there, as SQLite's read is). Claimers of one sink take turns (a
    /// transaction-scoped advisory lock on the sink, held for this one statement); rows a delivery being recorded
    /// has locked are skipped (`FOR UPDATE SKIP LOCKED`: they are leaving the batch). A dead daemon's claims expire.
    /// `markDelivered`/`markFailed` end a claim.
    public func claimReleasedDeliveries(
        sink: String, owner: String, now: Date, lease: TimeInterval, attemptsDue: Bool, limit: Int
    ) async throws -> [PendingDelivery] {
        let t = now.storeSeconds
        let until = now.addingTimeInterval(max(lease, 1)).storeSeconds
        let lockKey = "newswatch-release:" + sink
        let rows = try await transaction("claim released deliveries") { c in
            try await c.query("SELECT pg_advisory_xact_lock(hashtextextended(\(lockKey), 0))", logger: logger)
            return try await c.rows(
                """
                WITH eligible AS (
                    SELECT d.alert_seq,
                        rank() OVER (ORDER BY d.not_before, a.topic COLLATE "C") AS first_row,
                        row_number() OVER (ORDER BY d.not_before, a.topic COLLATE "C", d.alert_seq) AS n,
                        count(*) OVER (PARTITION BY d.not_before, a.topic) AS group_size
                    FROM deliveries d JOIN alerts a ON a.seq = d.alert_seq
                    WHERE d.sink = \(sink) AND d.state = \(Self.deliveryPending) AND d.not_before IS NOT NULL
                        AND d.not_before <= \(t)
                        AND (NOT \(attemptsDue) OR d.next_attempt IS NULL OR d.next_attempt <= \(t))
                        AND NOT EXISTS (
                            SELECT 1 FROM deliveries o JOIN alerts oa ON oa.seq = o.alert_seq
                            WHERE o.sink = d.sink AND o.state = \(Self.deliveryPending)
                                AND o.not_before = d.not_before AND oa.topic = a.topic
                                AND o.claim_until > \(t) AND o.claim_owner <> \(owner))),
                locked AS (
                    SELECT alert_seq FROM deliveries
                    WHERE sink = \(sink) AND state = \(Self.deliveryPending) AND alert_seq IN (
                        SELECT alert_seq FROM eligible
                        WHERE first_row + group_size - 1 <= \(limit) OR (first_row = 1 AND n <= \(limit)))
                    FOR UPDATE SKIP LOCKED),
                claimed AS (
                    UPDATE deliveries SET claim_owner = \(owner), claim_until = \(until)
                    WHERE sink = \(sink) AND state = \(Self.deliveryPending)
                        AND alert_seq IN (SELECT alert_seq FROM locked)
                    RETURNING alert_seq, attempts, last_error, not_before, period_start, hold)
                SELECT \(unescaped: Self.alertColumns), d.attempts, d.last_error, d.not_before,
                    d.period_start, d.hold
                FROM claimed d JOIN alerts a ON a.seq = d.alert_seq
                ORDER BY d.not_before, a.topic COLLATE "C", d.alert_seq
                """, logger: logger)
        }
        return try rows.map { try Self.pendingDelivery($0, sink: sink, timed: true) }
    }

    /// What each sink holds back at `now` (quiet hours, open batches) and when its next batch goes, by sink id in
    /// byte order.
    public func deliveryTimings(at now: Date) async throws -> [SinkTiming] {
        let rows = try await self.rows(
            """
            SELECT sink, count(*) FILTER (WHERE hold = 'quiet'), count(*) FILTER (WHERE hold <> 'quiet'),
                min(not_before)
            FROM deliveries WHERE state = \(Self.deliveryPending) AND not_before > \(now.storeSeconds)
            GROUP BY sink ORDER BY sink COLLATE "C"
            """, "read delivery timings")
        return try rows.map { row in
            let (sink, held, batched, next) = try row.decode((String, Int, Int, Int64?).self)
            return SinkTiming(
                sink: sink, held: held, batched: batched, nextBatch: next.map(Date.init(storeSeconds:)))
        }
    }

    /// When `sink`'s next timed delivery falls due after `now` (one lookup on the `deliveries_timed` index).
    public func nextRelease(sink: String, after now: Date) async throws -> Date? {
        try await rows(Self.nextReleaseQuery(sink: sink, after: now), "read next release").first?
            .decode(Int64?.self).map(Date.init(storeSeconds:))
    }

    /// `nextRelease`'s statement: served by the `deliveries_timed` index (sink, state, not_before), no outbox scan.
    static func nextReleaseQuery(sink: String, after now: Date) -> PostgresQuery {
        """
        SELECT min(not_before) FROM deliveries
        WHERE sink = \(sink) AND state = \(deliveryPending) AND not_before > \(now.storeSeconds)
            AND not_before IS NOT NULL
        """
    }
}
