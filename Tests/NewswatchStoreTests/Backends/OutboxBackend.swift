import Foundation
import NewswatchCore
import NewswatchTestSupport
import Testing

@testable import NewswatchStore

/// The outbox, tuning, retention, operator-event and spike part of the store that both backends implement, as the
/// tests call it (`async`: SQLite's synchronous methods satisfy it as they are), with the ingest that seeds it.
protocol OutboxBackend: IngestBackend {
    func markDelivered(alertIDs: [String], sink: String, at time: Date) async throws
    @discardableResult func markFailed(
        alertID: String, sink: String, at time: Date, error: String, nextAttempt: Date, giveUpAfter: TimeInterval?
    ) async throws -> DeliveryState
    @discardableResult func markFailed(
        _ failures: [(alertID: String, nextAttempt: Date)], sink: String, at time: Date, error: String,
        giveUpAfter: TimeInterval?
    ) async throws -> [DeliveryState]
    func sinkSummaries() async throws -> [SinkSummary]
    func releasedDeliveries(sink: String, at now: Date, attemptsDue: Bool, limit: Int) async throws
        -> [PendingDelivery]
    func deliveryTimings(at now: Date) async throws -> [SinkTiming]
    func nextRelease(sink: String, after now: Date) async throws -> Date?

    func storedItems(firstSeenFrom from: Date, to: Date) async throws -> [StoredItem]
    func recordVerdict(_ verdict: Verdict) async throws
    func verdictCounts() async throws -> [VerdictCount]
    func judgedAlerts(detectedFrom from: Date) async throws -> [JudgedAlert]

    @discardableResult func prune(now: Date, retention: TimeInterval, batchSize: Int) async throws -> PruneOutcome

    func openIncidents() async throws -> [String: Date]
    @discardableResult func raiseEvent(_ event: OperatorEvent, subject: String, routes: [EventRoute]) async throws
        -> Bool
    func closeIncident(subject: String) async throws
    func pendingEvents(sink: String, dueAt now: Date?, limit: Int) async throws -> [PendingEvent]
    func markEventsDelivered(ids: [String], sink: String, at time: Date) async throws
    func markEventFailed(id: String, sink: String, at time: Date, error: String, nextAttempt: Date?) async throws
    func failingSinks(owedSince: Date) async throws -> [FailingSink]
    func incidents() async throws -> [OpenIncident]
    func eventSinkSummaries() async throws -> [SinkSummary]
    func raiseSpikes(topics: [TopicDefinition], sinks: [SinkRoute], now: Date) async throws -> [Alert]

}

extension SQLiteStore: OutboxBackend {}
extension PostgresStore: OutboxBackend {}

extension StorePlace {
    /// A new store on this place, seen as an `OutboxBackend`.
    func openOutbox() async throws -> any OutboxBackend {
        try #require(try await open() as? any OutboxBackend)
    }
}

extension StoreBackend {
    /// Runs `body` with one new empty store of this backend, seen as an `OutboxBackend`.
    func withOutboxStore(_ body: (any OutboxBackend) async throws -> Void) async throws {
        try await withPlace { place in try await body(try await place.openOutbox()) }
    }
}
