import Foundation
import GRDB
import NewswatchCore

// Operator events (CONTRACT §10): open incidents, the events themselves and their own outbox. An incident is one
// `incidents` row per subject (`feed:<key>`, `sink:<id>`); opening and closing it writes the event and its
// delivery rows in the same transaction, so each incident raises its events exactly once across restarts.
extension SQLiteStore {
    /// Open incidents by subject, with when each began.
    public func openIncidents() throws -> [String: Date] {
        try read { db in
            var open: [String: Date] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT subject, since FROM incidents") {
                open[row[0]] = Date(storeSeconds: row[1])
            }
            return open
        }
    }

    /// Raises `event` for `subject`: a `feed_down` or `sink_failing` opens the subject's incident, a
    /// `feed_recovered` closes it. Nothing happens when the incident already is in that state.
    /// - Returns: whether the event was stored (with a delivery row for the events file and every route that
    ///   asked for its kind).
    @discardableResult
    public func raiseEvent(_ event: OperatorEvent, subject: String, routes: [EventRoute]) throws -> Bool {
        try write { db in
            // An id already stored raises nothing, and so changes no incident (an incident without its event would
            // stay open, or closed, unreported).
            let known = try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM operator_events WHERE event_id = ?)", arguments: [event.id])
            guard known != true else { return false }
            if event.kind == .feedRecovered {
                try db.execute(sql: "DELETE FROM incidents WHERE subject = ?", arguments: [subject])
            } else {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO incidents(subject, since, error) VALUES (?, ?, ?)",
                    arguments: [subject, event.since.storeSeconds, event.error])
            }
            guard db.changesCount > 0 else { return false }
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO operator_events(event_id, kind, feed, url, since, error, at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    event.id, event.kind.rawValue, event.feed, event.url, event.since.storeSeconds, event.error,
                    event.at.storeSeconds,
                ])
            guard db.changesCount > 0 else { return false }
            let seq = db.lastInsertedRowID
            for route in [EventRoute.file] + routes where route.kinds.contains(event.kind) {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO event_deliveries(event_seq, sink, state) VALUES (?, ?, ?)",
                    arguments: [seq, route.id, Self.deliveryPending])
            }
            return true
        }
    }

    /// Closes `subject`'s incident without an event (a sink that works again).
    public func closeIncident(subject: String) throws {
        try write { db in try db.execute(sql: "DELETE FROM incidents WHERE subject = ?", arguments: [subject]) }
    }

    /// Events owed to `sink`, oldest first; only those due at `now` (`nil`: all).
    public func pendingEvents(sink: String, dueAt now: Date?, limit: Int) throws -> [PendingEvent] {
        try read { db in
            let due = now.map { "AND (d.next_attempt IS NULL OR d.next_attempt <= \($0.storeSeconds))" } ?? ""
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT e.event_id, e.kind, e.feed, e.url, e.since, e.error, e.at, d.attempts
                    FROM event_deliveries d JOIN operator_events e ON e.seq = d.event_seq
                    WHERE d.sink = ? AND d.state = ? \(due) ORDER BY d.event_seq LIMIT ?
                    """,
                arguments: [sink, Self.deliveryPending, max(0, limit)]
            ).compactMap { row -> PendingEvent? in
                guard let kind = OperatorEventKind(rawValue: row[1]) else { return nil }
                let event = OperatorEvent(
                    id: row[0], kind: kind, feed: row[2], url: row[3], since: Date(storeSeconds: row[4]),
                    error: row[5], at: Date(storeSeconds: row[6]))
                return PendingEvent(event: event, attempts: row[7])
            }
        }
    }

    /// Marks events delivered to `sink` (idempotent).
    public func markEventsDelivered(ids: [String], sink: String, at time: Date) throws {
        guard !ids.isEmpty else { return }
        try write { db in
            for id in ids {
                try db.execute(
                    sql: """
                        UPDATE event_deliveries SET state = ?, finished = ?, next_attempt = NULL
                        WHERE sink = ? AND state = ? AND event_seq = (SELECT seq FROM operator_events WHERE event_id = ?)
                        """,
                    arguments: [Self.deliveryDelivered, time.storeSeconds, sink, Self.deliveryPending, id])
            }
        }
    }

    /// Records a failed attempt to deliver an event: the next attempt at `nextAttempt`, or given up.
    public func markEventFailed(id: String, sink: String, at time: Date, error: String, nextAttempt: Date?) throws {
        try write { db in
            try db.execute(
                sql: """
                    UPDATE event_deliveries SET attempts = attempts + 1, last_error = ?, next_attempt = ?,
                        state = ?, finished = ?
                    WHERE sink = ? AND state = ? AND event_seq = (SELECT seq FROM operator_events WHERE event_id = ?)
                    """,
                arguments: [
                    error, nextAttempt?.storeSeconds, nextAttempt == nil ? Self.deliveryGivenUp : Self.deliveryPending,
                    nextAttempt == nil ? time.storeSeconds : nil, sink, Self.deliveryPending, id,
                ])
        }
    }

    /// Sinks (not the file) whose oldest owed alert has failed at least once and was due at or before `owedSince`:
    /// the `sink_failing` rule. `since` is when that alert was due: its detection, or for a batched or held
    /// delivery the instant it could first go (a night held by quiet hours is not a night of failing).
    public func failingSinks(owedSince: Date) throws -> [FailingSink] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT d.sink, MIN(COALESCE(d.not_before, a.detected)), d.last_error
                    FROM deliveries d JOIN alerts a ON a.seq = d.alert_seq
                    WHERE d.state = ? AND d.attempts > 0 AND d.sink != ? AND COALESCE(d.not_before, a.detected) <= ?
                    GROUP BY d.sink ORDER BY d.sink
                    """,
                arguments: [Self.deliveryPending, SinkRoute.fileSinkID, owedSince.storeSeconds]
            ).map { FailingSink(sink: $0[0], since: Date(storeSeconds: $0[1]), error: $0[2]) }
        }
    }
}
