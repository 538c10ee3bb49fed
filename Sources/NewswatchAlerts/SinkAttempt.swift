import Foundation
import NewswatchCore

/// One attempt to deliver a message to a sink, for alerts and operator events alike.
package enum SinkAttempt {
    /// Delivers `message` to `sink`; with a `deadline` (`run --once`) an attempt still running then is cancelled and
    /// counts as failed.
    package static func deliver(
        _ message: SinkMessage, to sink: any AlertSink, deadline: ContinuousClock.Instant?
    ) async -> Result<Void, AlertSinkError> {
        guard let deadline else { return await deliver(message, to: sink) }
        return await withTaskGroup(of: Result<Void, AlertSinkError>?.self) { group in
            group.addTask { await deliver(message, to: sink) }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
                ?? .failure(
                    AlertSinkError(
                        .unreachable, sink: sink.displayName, detail: "no answer within the time run --once allows"))
        }
    }

    private static func deliver(_ message: SinkMessage, to sink: any AlertSink) async -> Result<Void, AlertSinkError> {
        do {
            try await sink.deliver(message)
            return .success(())
        } catch {
            return .failure(error)
        }
    }
}
