import Foundation
import NewswatchCore
import NewswatchStore

extension WatchedStore {
    public func unclaimedDeliveries(sink: String, dueAt now: Date?, limit: Int) async throws -> [PendingDelivery] {
        let owed = try await watch(write: false) {
            try await base.unclaimedDeliveries(sink: sink, dueAt: now, limit: limit)
        }
        metrics.owe(sink: sink, alerts: owed.map { ($0.alert.id, $0.alert.detected) })
        return owed
    }

    public func claimForSending(alertIDs: [String], sink: String, at now: Date) async throws -> Set<String> {
        // Not counted as a write: on SQLite it is a read, which succeeds while writes fail, and would hide the
        // writes-failing alarm.
        try await watch(write: false) { try await base.claimForSending(alertIDs: alertIDs, sink: sink, at: now) }
    }

    public func admitToSink(
        alertID: String, sink: String, topic: String, at now: Date, limit: Int, window: TimeInterval
    ) async throws -> Bool? {
        try await watch(write: false) {  // SQLite answers without writing (as `claimForSending`)
            try await base.admitToSink(
                alertID: alertID, sink: sink, topic: topic, at: now, limit: limit, window: window)
        }
    }

    public func claimEndedHolds(sink: String, at now: Date) async throws -> [SinkHold] {
        try await watch(write: false) { try await base.claimEndedHolds(sink: sink, at: now) }
    }

    public func markHoldSummarized(sink: String, topic: String, since: Date, at now: Date) async throws {
        try await watch(write: false) {
            try await base.markHoldSummarized(sink: sink, topic: topic, since: since, at: now)
        }
    }
}
