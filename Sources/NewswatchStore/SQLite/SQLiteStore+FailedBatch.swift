import Foundation
import GRDB
import NewswatchCore

// A failed topic batch (CONTRACT §10) is recorded failed (or given up) whole, in ONE write transaction: a crash in the
// middle of recording it cannot leave part of the batch retried on one schedule and part on another (or part given
// up), which would later send it as two messages.
extension SQLiteStore {
    @discardableResult
    public func markFailed(
        _ failures: [(alertID: String, nextAttempt: Date)], sink: String, at time: Date, error: String,
        giveUpAfter: TimeInterval?
    ) throws -> [DeliveryState] {
        guard !failures.isEmpty else { return [] }
        return try write { db in
            try failures.map {
                try Self.failDelivery(
                    db, alertID: $0.alertID, sink: sink, at: time, error: error, nextAttempt: $0.nextAttempt,
                    giveUpAfter: giveUpAfter)
            }
        }
    }

    /// One failed attempt of one delivery, inside the caller's write transaction.
    static func failDelivery(
        _ db: Database, alertID: String, sink: String, at time: Date, error: String, nextAttempt: Date,
        giveUpAfter: TimeInterval?
    ) throws -> DeliveryState {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT a.seq, COALESCE(d.not_before, a.detected), d.state
                    FROM alerts a JOIN deliveries d ON d.alert_seq = a.seq
                    WHERE a.alert_id = ? AND d.sink = ?
                    """,
                arguments: [alertID, sink])
        else { throw StoreError(.invalidArgument, "no delivery of alert \(alertID) to sink \(sink)") }
        let seq: Int64 = row[0]
        let detected: Int64 = row[1]
        switch row[2] as Int {
        case Self.deliveryDelivered: return .delivered
        case Self.deliveryGivenUp: return .givenUp
        default: break
        }
        let t = time.storeSeconds
        if let giveUpAfter, Double(t - detected) >= giveUpAfter {
            try db.execute(
                sql: """
                    UPDATE deliveries SET state = ?, attempts = attempts + 1, last_error = ?, finished = ?,
                        next_attempt = NULL
                    WHERE alert_seq = ? AND sink = ?
                    """,
                arguments: [Self.deliveryGivenUp, error, t, seq, sink])
            return .givenUp
        }
        try db.execute(
            sql: """
                UPDATE deliveries SET attempts = attempts + 1, last_error = ?, next_attempt = ?
                WHERE alert_seq = ? AND sink = ?
                """,
            arguments: [error, nextAttempt.storeSeconds, seq, sink])
        return .pending
    }
}
