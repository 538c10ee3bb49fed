import Foundation
import NewswatchStore

// Per sink: what quiet hours hold, what open batches hold, and when the next batch goes (CONTRACT §10).
extension StatusReport {
    /// Fills ``Sink/held``, ``Sink/batched`` and ``Sink/nextBatch`` from the outbox at `now`.
    mutating func addDeliveryTimings(from store: (any Store)?, now: Date) async throws {
        guard let store else { return }
        let timings = Dictionary(
            try await store.deliveryTimings(at: now).map { ($0.sink, $0) }, uniquingKeysWith: { first, _ in first })
        for i in sinks.indices {
            guard let timing = timings[sinks[i].id] else { continue }
            sinks[i].held = timing.held
            sinks[i].batched = timing.batched
            sinks[i].nextBatch = timing.nextBatch
        }
    }
}
