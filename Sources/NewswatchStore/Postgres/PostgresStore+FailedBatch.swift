import Foundation
import NewswatchCore
import PostgresNIO

// Failed deliveries, as SQLiteStore+FailedBatch.swift: a topic batch is recorded failed (or given up) whole, in ONE
// transaction. Each row is locked (`FOR UPDATE`) before it is read, so two daemons recording the same delivery at
// once count both attempts and neither overwrites a `delivered` the other just wrote.
extension PostgresStore {
    /// Records a failed delivery attempt (as `SQLiteStore.markFailed`) and ends any claim on it.
    @discardableResult
    public func markFailed(
        alertID: String, sink: String, at time: Date, error: String, nextAttempt: Date, giveUpAfter: TimeInterval?
    ) async throws -> DeliveryState {
        try await transaction("mark failed") { c -> DeliveryState in
            try await Self.failDelivery(
                c, alertID: alertID, sink: sink, at: time, error: error, nextAttempt: nextAttempt,
                giveUpAfter: giveUpAfter, logger: logger)
        }
    }

    /// Records one failed attempt of several deliveries to `sink` (a topic batch) in ONE transaction, each as the
    /// single `markFailed` would; the states in the order given.
    @discardableResult
    public func markFailed(
        _ failures: [(alertID: String, nextAttempt: Date)], sink: String, at time: Date, error: String,
        giveUpAfter: TimeInterval?
    ) async throws -> [DeliveryState] {
        guard !failures.isEmpty else { return [] }
        let failures = failures.map { Failure(alertID: $0.alertID, nextAttempt: $0.nextAttempt) }
        return try await transaction("mark batch failed") { c -> [DeliveryState] in
            var states: [DeliveryState] = []
            for f in failures {
                states.append(
                    try await Self.failDelivery(
                        c, alertID: f.alertID, sink: sink, at: time, error: error, nextAttempt: f.nextAttempt,
                        giveUpAfter: giveUpAfter, logger: logger))
            }
            return states
        }
    }

    /// One element of a failed batch (a `Sendable` value for the transaction's closure).
    private struct Failure: Sendable {
        var alertID: String
        var nextAttempt: Date
    }

    /// One failed attempt of one delivery, inside the caller's transaction: gives up when `time` is `giveUpAfter`
    /// past the alert's detection, or past its `not_before` for a timed delivery.
    static func failDelivery(
        _ c: PostgresConnection, alertID: String, sink: String, at time: Date, error: String, nextAttempt: Date,
        giveUpAfter: TimeInterval?, logger: Logger
    ) async throws -> DeliveryState {
        let rows = try await c.rows(
            """
            SELECT a.seq, COALESCE(d.not_before, a.detected), d.state
            FROM alerts a JOIN deliveries d ON d.alert_seq = a.seq
            WHERE a.alert_id = \(alertID) AND d.sink = \(sink) FOR UPDATE OF d
            """, logger: logger)
        guard let row = rows.first else {
            throw StoreError(.invalidArgument, "no delivery of alert \(alertID) to sink \(sink)")
        }
        let (seq, since, state) = try row.decode((Int64, Int64, Int).self)
        switch state {
        case deliveryDelivered: return .delivered
        case deliveryGivenUp: return .givenUp
        default: break
        }
        let t = time.storeSeconds
        if let giveUpAfter, Double(t - since) >= giveUpAfter {
            try await c.query(
                """
                UPDATE deliveries SET state = \(deliveryGivenUp), attempts = attempts + 1, last_error = \(error),
                    finished = \(t), next_attempt = NULL, claim_owner = NULL, claim_until = NULL
                WHERE alert_seq = \(seq) AND sink = \(sink)
                """, logger: logger)
            return .givenUp
        }
        try await c.query(
            """
            UPDATE deliveries SET attempts = attempts + 1, last_error = \(error),
                next_attempt = \(nextAttempt.storeSeconds), claim_owner = NULL, claim_until = NULL
            WHERE alert_seq = \(seq) AND sink = \(sink)
            """, logger: logger)
        return .pending
    }
}
