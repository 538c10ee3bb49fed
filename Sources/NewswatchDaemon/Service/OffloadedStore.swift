import Foundation
import NewswatchCore
import NewswatchStore
import NewswatchSystem

/// The SQLite store as the daemon awaits it: each blocking call runs on a Dispatch queue, never on the cooperative
/// pool, which has only as many threads as cores (a slow disk must not stall every task).
///
/// Feed-state writes and retention go to the serial store queue (FIFO, and its CPU is the store's in the round's
/// figures); the alert path's reads and marks and every other read go to the concurrent alert queue, so one sink's
/// slow call queues no other. The ingest is GRDB's own async write already.
public struct OffloadedStore: Store {
    /// The store that does the work.
    public let base: SQLiteStore

    public init(_ base: SQLiteStore) {
        self.base = base
    }

    private func write<T: Sendable>(_ body: @escaping @Sendable (SQLiteStore) throws -> T) async throws -> T {
        let base = base
        return try await Offload.run(on: Offload.storeQueue) { try body(base) }
    }

    func alerting<T: Sendable>(_ body: @escaping @Sendable (SQLiteStore) throws -> T) async throws -> T {
        let base = base
        return try await Offload.run(on: Offload.alertQueue) { try body(base) }
    }

    public func ingest(_ batch: IngestBatch) async throws -> IngestOutcome { try await base.ingest(batch) }

    public func syncFeeds(_ feeds: [FeedDescriptor], at time: Date) async throws {
        try await write { try $0.syncFeeds(feeds, at: time) }
    }

    public func feedState(key: String) async throws -> FeedState? { try await alerting { try $0.feedState(key: key) } }

    public func feedStates(includeInactive: Bool) async throws -> [FeedState] {
        try await alerting { try $0.feedStates(includeInactive: includeInactive) }
    }

    public func recordNoChange(_ record: NoChangeRecord) async throws -> FeedState {
        try await write { try $0.recordNoChange(record) }
    }

    public func recordFailure(_ failure: FeedFailure) async throws -> FeedState {
        try await write { try $0.recordFailure(failure) }
    }

    public func setSchedule(key: String, _ schedule: FeedSchedule) async throws {
        try await write { try $0.setSchedule(key: key, schedule) }
    }

    public func pendingDeliveries(sink: String, dueAt now: Date?, limit: Int) async throws -> [PendingDelivery] {
        try await alerting { try $0.pendingDeliveries(sink: sink, dueAt: now, limit: limit) }
    }

    public func markDelivered(alertIDs: [String], sink: String, at time: Date) async throws {
        try await alerting { try $0.markDelivered(alertIDs: alertIDs, sink: sink, at: time) }
    }

    public func markFailed(
        alertID: String, sink: String, at time: Date, error: String, nextAttempt: Date, giveUpAfter: TimeInterval?
    ) async throws -> DeliveryState {
        try await alerting {
            try $0.markFailed(
                alertID: alertID, sink: sink, at: time, error: error, nextAttempt: nextAttempt,
                giveUpAfter: giveUpAfter)
        }
    }

    public func markFailed(
        _ failures: [(alertID: String, nextAttempt: Date)], sink: String, at time: Date, error: String,
        giveUpAfter: TimeInterval?
    ) async throws -> [DeliveryState] {
        let pairs = failures.map { Failure(alertID: $0.alertID, nextAttempt: $0.nextAttempt) }
        return try await alerting { store in
            try store.markFailed(
                pairs.map { (alertID: $0.alertID, nextAttempt: $0.nextAttempt) }, sink: sink, at: time, error: error,
                giveUpAfter: giveUpAfter)
        }
    }

    /// One failure of a batch, as a `Sendable` value (tuples with labels are not).
    private struct Failure: Sendable {
        var alertID: String
        var nextAttempt: Date
    }

    public func sinkSummaries() async throws -> [SinkSummary] { try await alerting { try $0.sinkSummaries() } }

    public func releasedDeliveries(sink: String, at now: Date, attemptsDue: Bool, limit: Int) async throws
        -> [PendingDelivery]
    {
        try await alerting { try $0.releasedDeliveries(sink: sink, at: now, attemptsDue: attemptsDue, limit: limit) }
    }

    public func deliveryTimings(at now: Date) async throws -> [SinkTiming] {
        try await alerting { try $0.deliveryTimings(at: now) }
    }

    public func nextRelease(sink: String, after now: Date) async throws -> Date? {
        try await alerting { try $0.nextRelease(sink: sink, after: now) }
    }

    public func raiseSpikes(topics: [TopicDefinition], sinks: [SinkRoute], now: Date) async throws -> [Alert] {
        try await alerting { try $0.raiseSpikes(topics: topics, sinks: sinks, now: now) }
    }

    public func itemCounts() async throws -> [String: Int] { try await alerting { try $0.itemCounts() } }

    public func totals(alertsSince: Date) async throws -> StoreTotals {
        try await alerting { try $0.totals(alertsSince: alertsSince) }
    }

    public func storedItems(firstSeenFrom from: Date, to: Date) async throws -> [StoredItem] {
        try await alerting { try $0.storedItems(firstSeenFrom: from, to: to) }
    }

    public func recordVerdict(_ verdict: Verdict) async throws { try await write { try $0.recordVerdict(verdict) } }

    public func verdictCounts() async throws -> [VerdictCount] { try await alerting { try $0.verdictCounts() } }

    public func judgedAlerts(detectedFrom from: Date) async throws -> [JudgedAlert] {
        try await alerting { try $0.judgedAlerts(detectedFrom: from) }
    }

    public func prune(now: Date, retention: TimeInterval, batchSize: Int) async throws -> PruneOutcome {
        try await write { try $0.prune(now: now, retention: retention, batchSize: batchSize) }
    }

    // MARK: DigestStore

    public func matchedItems(firstSeenFrom from: Date, to: Date) async throws -> [MatchedItemRecord] {
        try await alerting { try $0.matchedItems(firstSeenFrom: from, to: to) }
    }

    public func storySources(storyRowIDs: [Int64]) async throws -> [Int64: [StorySource]] {
        try await alerting { try $0.storySources(storyRowIDs: storyRowIDs) }
    }

    public func fetchFailures(from: Date, to: Date) async throws -> [FetchEventRecord] {
        try await alerting { try $0.fetchFailures(from: from, to: to) }
    }

    public func alerts(detectedFrom from: Date, to: Date) async throws -> [Alert] {
        try await alerting { try $0.alerts(detectedFrom: from, to: to) }
    }

    public func detectionDelays(firstSeenFrom from: Date, to: Date, backfill: TimeInterval) async throws
        -> [String: [TimeInterval]]
    {
        try await alerting { try $0.detectionDelays(firstSeenFrom: from, to: to, backfill: backfill) }
    }

    // MARK: OperatorEventStore

    public func openIncidents() async throws -> [String: Date] { try await alerting { try $0.openIncidents() } }

    public func raiseEvent(_ event: OperatorEvent, subject: String, routes: [EventRoute]) async throws -> Bool {
        try await alerting { try $0.raiseEvent(event, subject: subject, routes: routes) }
    }

    public func closeIncident(subject: String) async throws {
        try await alerting { try $0.closeIncident(subject: subject) }
    }

    public func pendingEvents(sink: String, dueAt now: Date?, limit: Int) async throws -> [PendingEvent] {
        try await alerting { try $0.pendingEvents(sink: sink, dueAt: now, limit: limit) }
    }

    public func markEventsDelivered(ids: [String], sink: String, at time: Date) async throws {
        try await alerting { try $0.markEventsDelivered(ids: ids, sink: sink, at: time) }
    }

    public func markEventFailed(id: String, sink: String, at time: Date, error: String, nextAttempt: Date?)
        async throws
    {
        try await alerting {
            try $0.markEventFailed(id: id, sink: sink, at: time, error: error, nextAttempt: nextAttempt)
        }
    }

    public func failingSinks(owedSince: Date) async throws -> [FailingSink] {
        try await alerting { try $0.failingSinks(owedSince: owedSince) }
    }

    public func incidents() async throws -> [OpenIncident] { try await alerting { try $0.incidents() } }

    public func eventSinkSummaries() async throws -> [SinkSummary] {
        try await alerting { try $0.eventSinkSummaries() }
    }
}
