import CoreMetrics
import Foundation
import NewswatchCore
import NewswatchStore

// What the poll path records: one call per poll (FeedPoller) and one per ingest (WatchedStore).
extension NewswatchMetrics {
    /// Whether anything reads what is recorded: a test's factory, or the daemon's bootstrapped one. The figures
    /// that cost a store read are skipped otherwise.
    var isRecording: Bool { !(current is NOOPMetricsHandler) }

    /// One poll of one feed ended with `outcome` after `seconds` (cancelled polls are not fetches).
    public func polled(_ outcome: PollOutcome, seconds: Double) {
        guard let result = Self.fetchResult(outcome) else { return }
        count(.fetches, [("result", result)])
        observe(.fetchDuration, seconds: seconds)
    }

    /// The `result` label: the HTTP status class, `ok` for a file feed, else the failure's kind; `nil` for a
    /// cancelled poll.
    static func fetchResult(_ outcome: PollOutcome) -> String? {
        func statusClass(_ status: Int?) -> String? { status.map { "\(min(max($0 / 100, 1), 5))xx" } }
        switch outcome {
        case .ingested(let result, _):
            return statusClass(result.feedState?.httpStatus) ?? "ok"
        case .unchanged(let fetch, let state):
            return statusClass(state?.httpStatus ?? (fetch.result == .notModified ? 304 : nil)) ?? "ok"
        case .failed(let failure):
            if failure.isCancellation { return nil }
            // A body over the cap came with its status, but the fetch failed for its size: the kind says that.
            if failure.kind == .fetch(.tooLarge) { return failure.kind.name }
            return statusClass(failure.httpStatus) ?? failure.kind.name
        }
    }

    /// One ingest committed: new items, alerts per topic and kind, and the new items' matches per topic and
    /// detection delays (those published within the batch's backfill window), all from the outcome: no store read.
    func ingested(_ batch: IngestBatch, _ outcome: IngestOutcome) {
        count(.itemsNew, by: outcome.newItems)
        alertsWritten(outcome.alerts)
        guard isRecording else { return }
        for figure in outcome.newItemFigures {
            for topic in figure.topics { count(.matches, [("topic", topic)]) }
            guard let published = figure.published else { continue }
            let delay = figure.firstSeen.timeIntervalSince(published)
            if delay <= batch.backfill { observe(.detectionDelay, seconds: max(0, delay)) }
        }
    }

    /// Alerts written to the outbox (by an ingest, or `spike` alerts by the operator watch), per topic and kind.
    func alertsWritten(_ alerts: [Alert]) {
        for alert in alerts { count(.alerts, [("topic", alert.topic), ("kind", Self.alertKind(alert))]) }
    }

    /// The alert's kind label (CONTRACT §4 and §10: `new`, `update` or `spike`).
    static func alertKind(_ alert: Alert) -> String { alert.kind.rawValue }
}
