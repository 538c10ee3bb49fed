import Foundation
import NewswatchCore
import NewswatchStore

extension OffloadedStore {
    public func unclaimedDeliveries(sink: String, dueAt now: Date?, limit: Int) async throws -> [PendingDelivery] {
        try await alerting { try $0.unclaimedDeliveries(sink: sink, dueAt: now, limit: limit) }
    }

    public func claimForSending(alertIDs: [String], sink: String, at now: Date) async throws -> Set<String> {
        try await alerting { try $0.claimForSending(alertIDs: alertIDs, sink: sink, at: now) }
    }

    public func admitToSink(
        alertID: String, sink: String, topic: String, at now: Date, limit: Int, window: TimeInterval
    ) async throws -> Bool? {
        try await alerting {
            try $0.admitToSink(alertID: alertID, sink: sink, topic: topic, at: now, limit: limit, window: window)
        }
    }

    public func claimEndedHolds(sink: String, at now: Date) async throws -> [SinkHold] {
        try await alerting { try $0.claimEndedHolds(sink: sink, at: now) }
    }

    public func markHoldSummarized(sink: String, topic: String, since: Date, at now: Date) async throws {
        try await alerting { try $0.markHoldSummarized(sink: sink, topic: topic, since: since, at: now) }
    }
}
