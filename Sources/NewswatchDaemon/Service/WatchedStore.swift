import Foundation
import NewswatchCore
import NewswatchStore
import NewswatchSystem

/// A `Store` that reports every call to a ``StoreProgress``, so the watchdog sees a stuck store (CONTRACT §7).
///
/// It forwards each method unchanged; the cost is one lock round trip per store call, next to a SQLite transaction.
public struct WatchedStore: Store {
    /// The store that does the work.
    public let base: any Store
    /// Where calls are reported.
    public let progress: StoreProgress
    /// Where writes, ingests and deliveries are counted and timed (CONTRACT §11).
    public var metrics = NewswatchMetrics.shared

    public init(_ base: any Store, progress: StoreProgress) {
        self.base = base
        self.progress = progress
    }

    func watch<T>(write: Bool, _ body: () async throws -> T) async rethrows -> T {
        let token = progress.start()
        let began = ContinuousClock.now
        do {
            let result = try await body()
            progress.finish(token, write: write, succeeded: true)
            if write { metrics.observe(.storeWrite, seconds: (ContinuousClock.now - began).inSeconds) }
            return result
        } catch {
            progress.finish(token, write: write, succeeded: false)
            throw error
        }
    }

    public func ingest(_ batch: IngestBatch) async throws -> IngestOutcome {
        let token = progress.start()
        let began = ContinuousClock.now
        var outcome: IngestOutcome
        do {
            outcome = try await base.ingest(batch)
            progress.finish(token, write: true, succeeded: true)
        } catch {
            progress.finish(token, write: true, succeeded: false)
            throw error
        }
        metrics.observe(.storeWrite, seconds: (ContinuousClock.now - began).inSeconds)
        metrics.ingested(batch, outcome)
        // The figures are the metrics' alone: a `run --once` round keeps every feed's outcome until it ends, and
        // one figure per new item held for 2,000 feeds doubled the cold round's peak RSS (68 → 139 MiB).
        outcome.newItemFigures = []
        return outcome
    }

    public func syncFeeds(_ feeds: [FeedDescriptor], at time: Date) async throws {
        try await watch(write: true) { try await base.syncFeeds(feeds, at: time) }
    }

    public func feedState(key: String) async throws -> FeedState? {
        try await watch(write: false) { try await base.feedState(key: key) }
    }

    public func feedStates(includeInactive: Bool) async throws -> [FeedState] {
        try await watch(write: false) { try await base.feedStates(includeInactive: includeInactive) }
    }

    @discardableResult
    public func recordNoChange(_ record: NoChangeRecord) async throws -> FeedState {
        try await watch(write: true) { try await base.recordNoChange(record) }
    }

    @discardableResult
    public func recordFailure(_ failure: FeedFailure) async throws -> FeedState {
        try await watch(write: true) { try await base.recordFailure(failure) }
    }

    public func setSchedule(key: String, _ schedule: FeedSchedule) async throws {
        try await watch(write: true) { try await base.setSchedule(key: key, schedule) }
    }

    public func pendingDeliveries(sink: String, dueAt now: Date?, limit: Int) async throws -> [PendingDelivery] {
        let owed = try await watch(write: false) {
            try await base.pendingDeliveries(sink: sink, dueAt: now, limit: limit)
        }
        metrics.owe(sink: sink, alerts: owed.map { ($0.alert.id, $0.alert.detected) })
        return owed
    }

    public func markDelivered(alertIDs: [String], sink: String, at time: Date) async throws {
        try await watch(write: true) { try await base.markDelivered(alertIDs: alertIDs, sink: sink, at: time) }
        metrics.delivered(sink: sink, alertIDs: alertIDs, at: time)
    }

    @discardableResult
    public func markFailed(
        alertID: String, sink: String, at time: Date, error: String, nextAttempt: Date, giveUpAfter: TimeInterval?
    ) async throws -> DeliveryState {
        let state = try await watch(write: true) {
            try await base.markFailed(
                alertID: alertID, sink: sink, at: time, error: error, nextAttempt: nextAttempt,
                giveUpAfter: giveUpAfter)
        }
        metrics.failed(sink: sink, alertID: alertID, gaveUp: state == .givenUp)
        return state
    }

    public func sinkSummaries() async throws -> [SinkSummary] {
        try await watch(write: false) { try await base.sinkSummaries() }
    }

    public func matchedItems(firstSeenFrom from: Date, to: Date) async throws -> [MatchedItemRecord] {
        try await watch(write: false) { try await base.matchedItems(firstSeenFrom: from, to: to) }
    }

    public func storySources(storyRowIDs: [Int64]) async throws -> [Int64: [StorySource]] {
        try await watch(write: false) { try await base.storySources(storyRowIDs: storyRowIDs) }
    }

    public func fetchFailures(from: Date, to: Date) async throws -> [FetchEventRecord] {
        try await watch(write: false) { try await base.fetchFailures(from: from, to: to) }
    }

    public func itemCounts() async throws -> [String: Int] {
        try await watch(write: false) { try await base.itemCounts() }
    }

    public func totals(alertsSince: Date) async throws -> StoreTotals {
        try await watch(write: false) { try await base.totals(alertsSince: alertsSince) }
    }

    public func alerts(detectedFrom from: Date, to: Date) async throws -> [Alert] {
        try await watch(write: false) { try await base.alerts(detectedFrom: from, to: to) }
    }

    public func storedItems(firstSeenFrom from: Date, to: Date) async throws -> [StoredItem] {
        try await watch(write: false) { try await base.storedItems(firstSeenFrom: from, to: to) }
    }

    public func recordVerdict(_ verdict: Verdict) async throws {
        try await watch(write: true) { try await base.recordVerdict(verdict) }
    }

    public func verdictCounts() async throws -> [VerdictCount] {
        try await watch(write: false) { try await base.verdictCounts() }
    }

    public func judgedAlerts(detectedFrom from: Date) async throws -> [JudgedAlert] {
        try await watch(write: false) { try await base.judgedAlerts(detectedFrom: from) }
    }

    @discardableResult
    public func prune(now: Date, retention: TimeInterval, batchSize: Int) async throws -> PruneOutcome {
        try await watch(write: true) { try await base.prune(now: now, retention: retention, batchSize: batchSize) }
    }
}
