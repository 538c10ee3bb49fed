import Foundation
import NewswatchStore

// The timed-delivery queries (CONTRACT §10), reported like every other store call.
extension WatchedStore {
    public func releasedDeliveries(sink: String, at now: Date, attemptsDue: Bool, limit: Int) throws
        -> [PendingDelivery]
    {
        try watch(write: false) {
            try base.releasedDeliveries(sink: sink, at: now, attemptsDue: attemptsDue, limit: limit)
        }
    }

    public func deliveryTimings(at now: Date) throws -> [SinkTiming] {
        try watch(write: false) { try base.deliveryTimings(at: now) }
    }
}
