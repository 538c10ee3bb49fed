import Foundation
import GRDB
import NewswatchCore

// One daemon per SQLite state (its `flock`): nothing is claimed and each sink counts its own rate.
extension SQLiteStore {
    public func unclaimedDeliveries(sink: String, dueAt now: Date?, limit: Int) throws -> [PendingDelivery] {
        try pendingDeliveries(sink: sink, dueAt: now, limit: limit)
    }

    public func claimForSending(alertIDs: [String], sink: String, at now: Date) throws -> Set<String> {
        guard !alertIDs.isEmpty else { return [] }
        return try read { db in
            let statement = try db.cachedStatement(
                sql: """
                    SELECT 1 FROM deliveries d JOIN alerts a ON a.seq = d.alert_seq
                    WHERE a.alert_id = ? AND d.sink = ? AND d.state = ?
                    """)
            return try Set(
                alertIDs.filter { id in
                    try Bool.fetchOne(statement, arguments: [id, sink, Self.deliveryPending]) != nil
                })
        }
    }

    public func admitToSink(
        alertID: String, sink: String, topic: String, at now: Date, limit: Int, window: TimeInterval
    ) throws -> Bool? {
        nil
    }

    public func claimEndedHolds(sink: String, at now: Date) throws -> [SinkHold] { [] }

    public func markHoldSummarized(sink: String, topic: String, since: Date, at now: Date) throws {}
}
