import Foundation
import NewswatchCore
import PostgresNIO

// Operator events (CONTRACT §10), as SQLiteStore+Events.swift: an incident is one `incidents` row per subject;
// opening or closing it writes the event and its delivery rows in the same transaction. Across daemons each incident
// raises its event once: the incident's primary key and the event id's unique key are taken with `ON CONFLICT DO
// NOTHING` / a row-locking `DELETE`, so a second daemon raising the same change waits for the first to commit and
// then finds nothing to do.
extension PostgresStore {
    /// Open incidents by subject, with when each began.
    public func openIncidents() async throws -> [String: Date] {
        var open: [String: Date] = [:]
        for row in try await rows("SELECT subject, since FROM incidents", "read open incidents") {
            let (subject, since) = try row.decode((String, Int64).self)
            open[subject] = Date(storeSeconds: since)
        }
        return open
    }

    /// Raises `event` for `subject`: a `feed_down` or `sink_failing` opens the subject's incident, a
    /// `feed_recovered` closes it. Nothing happens when the incident already is in that state (whichever daemon put
    /// it there). Returns whether the event was stored (with a delivery row for the events file and every route
    /// that asked for its kind).
    @discardableResult
    public func raiseEvent(_ event: OperatorEvent, subject: String, routes: [EventRoute]) async throws -> Bool {
        let sinks = ([EventRoute.file] + routes).filter { $0.kinds.contains(event.kind) }.map(\.id)
        return try await transaction("raise event") { c -> Bool in
            // An id already stored raises nothing, and so changes no incident.
            let known = try await c.rows(
                "SELECT 1 FROM operator_events WHERE event_id = \(event.id)", logger: logger)
            guard known.isEmpty else { return false }
            let changed: [PostgresRow]
            if event.kind == .feedRecovered {
                changed = try await c.rows(
                    "DELETE FROM incidents WHERE subject = \(subject) RETURNING 1", logger: logger)
            } else {
                changed = try await c.rows(
                    """
                    INSERT INTO incidents(subject, since, error) VALUES (\(subject), \(event.since.storeSeconds),
                        \(event.error))
                    ON CONFLICT (subject) DO NOTHING RETURNING 1
                    """, logger: logger)
            }
            guard !changed.isEmpty else { return false }
            let inserted = try await c.rows(
                """
                INSERT INTO operator_events(event_id, kind, feed, url, since, error, at)
                VALUES (\(event.id), \(event.kind.rawValue), \(event.feed), \(event.url), \(event.since.storeSeconds),
                    \(event.error), \(event.at.storeSeconds))
                ON CONFLICT (event_id) DO NOTHING RETURNING seq
                """, logger: logger)
            guard let seq = try inserted.first?.decode(Int64.self) else { return false }
            try await c.query(
                """
                INSERT INTO event_deliveries(event_seq, sink, state)
                SELECT \(seq), sink, \(Self.deliveryPending) FROM unnest(\(sinks)) AS sink
                ON CONFLICT DO NOTHING
                """, logger: logger)
            return true
        }
    }

    /// Closes `subject`'s incident without an event (a sink that works again).
    public func closeIncident(subject: String) async throws {
        _ = try await rows("DELETE FROM incidents WHERE subject = \(subject)", "close incident")
    }

    /// Events owed to `sink`, oldest first; only those due at `now` (`nil`: all). A read, unless the store was opened
    /// with ``claims``: then they are claimed (`claimEvents`; with `now` `nil`, at the wall clock's time with attempt
    /// times ignored).
    public func pendingEvents(sink: String, dueAt now: Date?, limit: Int) async throws -> [PendingEvent] {
        if let claims {
            return try await claimEvents(
                sink: sink, owner: claims.owner, now: now ?? Date(), lease: claims.lease,
                limit: limit, attemptsDue: now != nil)
        }
        let due = now?.storeSeconds
        return try await rows(
            """
            SELECT e.event_id, e.kind, e.feed, e.url, e.since, e.error, e.at, d.attempts
            FROM event_deliveries d JOIN operator_events e ON e.seq = d.event_seq
            WHERE d.sink = \(sink) AND d.state = \(Self.deliveryPending)
                AND (\(due)::bigint IS NULL OR d.next_attempt IS NULL OR d.next_attempt <= \(due)::bigint)
            ORDER BY d.event_seq LIMIT \(max(0, limit))
            """, "read pending events"
        ).compactMap(Self.pendingEvent)
    }

    /// Claims up to `limit` events owed to `sink` and due at `now` for `owner` until `now + lease`, oldest first,
    /// skipping those another daemon holds (`FOR UPDATE SKIP LOCKED`, then an expiring claim), so each event is
    /// sent by one daemon at a time; `markEventsDelivered`/`markEventFailed` end a claim. The owner's own unfinished
    /// claims come back too, after the unclaimed ones, and are renewed (as `claimDeliveries`).
    public func claimEvents(
        sink: String, owner: String, now: Date, lease: TimeInterval, limit: Int, attemptsDue: Bool = true
    ) async throws -> [PendingEvent] {
        let t = now.storeSeconds
        let until = now.addingTimeInterval(max(lease, 1)).storeSeconds
        return try await rows(
            """
            WITH claimed AS (
                UPDATE event_deliveries SET claim_owner = \(owner), claim_until = \(until)
                WHERE (event_seq, sink) IN (
                    SELECT event_seq, sink FROM event_deliveries
                    WHERE sink = \(sink) AND state = \(Self.deliveryPending)
                        AND (NOT \(attemptsDue) OR next_attempt IS NULL OR next_attempt <= \(t))
                        AND (claim_until IS NULL OR claim_until <= \(t) OR claim_owner = \(owner))
                    ORDER BY claim_owner IS NOT DISTINCT FROM \(owner), event_seq LIMIT \(max(0, limit))
                    FOR UPDATE SKIP LOCKED)
                RETURNING event_seq, attempts)
            SELECT e.event_id, e.kind, e.feed, e.url, e.since, e.error, e.at, d.attempts
            FROM claimed d JOIN operator_events e ON e.seq = d.event_seq ORDER BY d.event_seq
            """, "claim events"
        ).compactMap(Self.pendingEvent)
    }

    /// An event row as `pendingEvents` selects it; `nil` for a kind this build does not know.
    private static func pendingEvent(_ row: PostgresRow) throws -> PendingEvent? {
        let (id, kindName, feed, url, since, error, at, attempts) = try row.decode(
            (String, String, String, String?, Int64, String?, Int64, Int).self)
        guard let kind = OperatorEventKind(rawValue: kindName) else { return nil }
        let event = OperatorEvent(
            id: id, kind: kind, feed: feed, url: url, since: Date(storeSeconds: since), error: error,
            at: Date(storeSeconds: at))
        return PendingEvent(event: event, attempts: attempts)
    }

    /// Marks events delivered to `sink` (idempotent) and ends any claim on them.
    public func markEventsDelivered(ids: [String], sink: String, at time: Date) async throws {
        guard !ids.isEmpty else { return }
        _ = try await rows(
            """
            UPDATE event_deliveries d SET state = \(Self.deliveryDelivered), finished = \(time.storeSeconds),
                next_attempt = NULL, claim_owner = NULL, claim_until = NULL
            FROM operator_events e
            WHERE e.seq = d.event_seq AND e.event_id = ANY(\(ids)) AND d.sink = \(sink)
                AND d.state = \(Self.deliveryPending)
            """, "mark events delivered")
    }

    /// Records a failed attempt to deliver an event: the next attempt at `nextAttempt`, or given up (`nil`); ends
    /// any claim on it.
    public func markEventFailed(id: String, sink: String, at time: Date, error: String, nextAttempt: Date?) async throws
    {
        let state = nextAttempt == nil ? Self.deliveryGivenUp : Self.deliveryPending
        let finished = nextAttempt == nil ? time.storeSeconds : nil
        _ = try await rows(
            """
            UPDATE event_deliveries d SET attempts = attempts + 1, last_error = \(error),
                next_attempt = \(nextAttempt?.storeSeconds), state = \(state), finished = \(finished),
                claim_owner = NULL, claim_until = NULL
            FROM operator_events e
            WHERE e.seq = d.event_seq AND e.event_id = \(id) AND d.sink = \(sink) AND d.state = \(Self.deliveryPending)
            """, "mark event failed")
    }

    /// Sinks (not the file) whose oldest owed alert has failed at least once and was due at or before `owedSince`
    /// (the `sink_failing` rule), by sink id in byte order; `since` and `error` are that alert's.
    public func failingSinks(owedSince: Date) async throws -> [FailingSink] {
        try await rows(
            """
            SELECT sink, since, last_error FROM (
                SELECT DISTINCT ON (d.sink) d.sink, COALESCE(d.not_before, a.detected) AS since, d.last_error
                FROM deliveries d JOIN alerts a ON a.seq = d.alert_seq
                WHERE d.state = \(Self.deliveryPending) AND d.attempts > 0 AND d.sink <> \(SinkRoute.fileSinkID)
                    AND COALESCE(d.not_before, a.detected) <= \(owedSince.storeSeconds)
                ORDER BY d.sink, since, d.alert_seq) oldest
            ORDER BY sink COLLATE "C"
            """, "read failing sinks"
        ).map { row in
            let (sink, since, error) = try row.decode((String, Int64, String?).self)
            return FailingSink(sink: sink, since: Date(storeSeconds: since), error: error)
        }
    }
}
