import Foundation
import NewswatchCore

/// The store as operator events use it (CONTRACT §10): open incidents, the events and their own outbox.
///
/// An incident is one row per subject (`feed:<key>`, `sink:<id>`); raising or closing it writes the event and its
/// delivery rows in the same transaction, so each incident raises its events exactly once across restarts (and,
/// on PostgreSQL, across daemons).
public protocol OperatorEventStore: Sendable {
    /// Open incidents by subject, with when each began.
    func openIncidents() async throws -> [String: Date]

    /// Raises `event` for `subject`: a `feed_down` or `sink_failing` opens the subject's incident, a
    /// `feed_recovered` closes it. Returns whether the event was stored (with a delivery row for the events file and
    /// every route that asked for its kind); `false` when the incident already is in that state.
    @discardableResult
    func raiseEvent(_ event: OperatorEvent, subject: String, routes: [EventRoute]) async throws -> Bool

    /// Closes `subject`'s incident without an event (a sink that works again).
    func closeIncident(subject: String) async throws

    /// Events owed to `sink`, oldest first; only those whose next attempt is due at `now` (`nil`: all).
    func pendingEvents(sink: String, dueAt now: Date?, limit: Int) async throws -> [PendingEvent]

    /// Marks events delivered to `sink` (idempotent).
    func markEventsDelivered(ids: [String], sink: String, at time: Date) async throws

    /// Records a failed attempt to deliver an event: retried at `nextAttempt`, given up when it is `nil`.
    func markEventFailed(id: String, sink: String, at time: Date, error: String, nextAttempt: Date?) async throws

    /// Sinks owing alert deliveries due since before `owedSince` (the `sink_failing` rule).
    func failingSinks(owedSince: Date) async throws -> [FailingSink]

    /// The open incidents, oldest first (for `status`).
    func incidents() async throws -> [OpenIncident]

    /// Pending and given-up operator-event deliveries per sink, the events file (`file`) included.
    func eventSinkSummaries() async throws -> [SinkSummary]
}
