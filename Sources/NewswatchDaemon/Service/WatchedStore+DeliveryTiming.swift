import Foundation
import NewswatchStore

// The timed-delivery queries (CONTRACT §10), reported like every other store call.
extension WatchedStore {
    public func releasedDeliveries(sink: String, at now: Date, attemptsDue: Bool, limit: Int) async throws
        -> [PendingDelivery]
    {
        let owed = try await watch(write: false) {
            try await base.releasedDeliveries(sink: sink, at: now, attemptsDue: attemptsDue, limit: limit)
        }
        // Batched and held alerts are timed from when they were written too (newswatch_alert_delivery_seconds).
        metrics.owe(sink: sink, alerts: owed.map { ($0.alert.id, $0.alert.detected) })
        return owed
    }

    public func deliveryTimings(at now: Date) async throws -> [SinkTiming] {
        try await watch(write: false) { try await base.deliveryTimings(at: now) }
    }

    public func nextRelease(sink: String, after now: Date) async throws -> Date? {
        try await watch(write: false) { try await base.nextRelease(sink: sink, after: now) }
    }
}

// A failed topic batch, recorded whole in one transaction and counted per alert.
extension WatchedStore {
    @discardableResult
    public func markFailed(
        _ failures: [(alertID: String, nextAttempt: Date)], sink: String, at time: Date, error: String,
        giveUpAfter: TimeInterval?
    ) async throws -> [DeliveryState] {
        let states = try await watch(write: true) {
            try await base.markFailed(failures, sink: sink, at: time, error: error, giveUpAfter: giveUpAfter)
        }
        for (failure, state) in zip(failures, states) {
            metrics.failed(sink: sink, alertID: failure.alertID, gaveUp: state == .givenUp)
        }
        return states
    }
}
