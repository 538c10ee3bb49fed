import Foundation
import NewswatchSystem

/// The daemon's event deliveries in the background (CONTRACT §10): one pass per sink at a time, each in a task of
/// its own, so a sink that never answers delays neither the operator checks nor the other sinks. At most one task
/// per configured sink runs; a sink still busy is skipped until its pass ends.
package final class OperatorEventSenders: Sendable {
    private let running = Locked<[String: Task<Void, Never>]>([:])

    package init() {}

    /// Starts a pass of `drain` for each sink in `sinks` that asked for events and has none running; returns at
    /// once.
    package func start(_ drain: OperatorEventDrain, sinks: [ConfiguredSink], at now: Date) {
        running.withLock { running in
            for sink in sinks where !sink.events.isEmpty && running[sink.id] == nil {
                let id = sink.id
                // Registered under the lock before the task can end, so its own removal never races the insert.
                running[id] = Task {
                    await drain.deliver(to: sink, at: now)
                    self.running.withLock { _ = $0.removeValue(forKey: id) }
                }
            }
        }
    }

    /// Cancels the passes in flight (graceful shutdown); their events stay owed.
    package func cancelAll() {
        for task in running.withLock({ Array($0.values) }) { task.cancel() }
    }
}
