import Foundation
import NewswatchCore
import NewswatchStore
import NewswatchSystem

// A failed topic batch is recorded with ONE store call, one transaction (CONTRACT §10): killed while recording it,
// the daemon finds the batch either untouched or failed whole, never split into parts that would go apart.
extension SinkWorker {
    /// Records a failed (or untried) topic batch: every delivery's next attempt, or giving up, at once.
    func recordFailure(
        of deliveries: [PendingDelivery], error: String, at now: Date, into result: inout SinkDrainResult
    ) async {
        let failures = deliveries.map { (alertID: $0.alert.id, nextAttempt: nextAttempt($0, at: now)) }
        let store = store
        let sinkID = endpoint.id
        let giveUpAfter = policy.giveUpAfter
        let states: [DeliveryState]
        do {
            states = try await store.markFailed(failures, sink: sinkID, at: now, error: error, giveUpAfter: giveUpAfter)
        } catch {
            logger.error("cannot record a failed batch: \(error)", metadata: ["alerts": "\(deliveries.count)"])
            return
        }
        for (i, state) in states.enumerated() where i < deliveries.count {
            settle(deliveries[i], state: state, next: failures[i].nextAttempt, error: error, into: &result)
        }
    }
}
