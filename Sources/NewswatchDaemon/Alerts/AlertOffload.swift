import Dispatch

/// Runs the alert path's blocking work (synchronous SQLite calls, the file sink's writes and fsyncs) on a Dispatch
/// queue, never on the Swift cooperative pool, which has only as many threads as cores.
enum AlertOffload {
    /// Concurrent: the store serialises its own writes, and one sink's slow call must not queue another's.
    static let queue = DispatchQueue(label: "newswatch.alerts", qos: .userInitiated, attributes: .concurrent)

    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
