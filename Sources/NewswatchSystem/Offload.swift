import Dispatch
import Glibc
import Synchronization

/// Runs blocking work (SQLite writes, file I/O, parsing large feeds) on Dispatch queues instead of the
/// Swift cooperative pool, which has only as many threads as cores (two here): blocking it would stall every task.
package enum Offload {
    /// Serial queue for store writes: SQLite has one writer anyway, and FIFO order keeps ingest order stable.
    package static let storeQueue = DispatchQueue(label: "newswatch.store", qos: .userInitiated)
    /// Concurrent queue for CPU work (parse + match).
    package static let workQueue = DispatchQueue(label: "newswatch.work", qos: .userInitiated, attributes: .concurrent)
    /// Concurrent queue for the alert path (outbox reads and marks, the file sink's writes and fsyncs): the store
    /// serialises its own writes, and one sink's slow call must not queue another's.
    package static let alertQueue = DispatchQueue(
        label: "newswatch.alerts", qos: .userInitiated, attributes: .concurrent)

    /// CPU time (µs) the store's writes have spent since the process started (on `storeQueue`, and ingests on the
    /// database's writer): the one serial stage of the pipeline, so this is what bounds a round (`run --once`).
    package static var storeQueueCPUMicroseconds: Int { storeCPU.load(ordering: .relaxed) }
    private static let storeCPU = Atomic<Int>(0)

    /// Runs `body` on the calling thread, counting its CPU time as the store's (for a store write that runs on the
    /// database's own writer thread instead of `storeQueue`).
    package static func measuringStoreCPU<T>(_ body: () throws -> T) rethrows -> T {
        let start = threadCPUMicroseconds()
        defer { storeCPU.add(threadCPUMicroseconds() - start, ordering: .relaxed) }
        return try body()
    }

    /// Runs `body` on `queue` and returns its result to the awaiting task.
    package static func run<T: Sendable>(on queue: DispatchQueue, _ body: @escaping @Sendable () throws -> T)
        async throws -> T
    {
        let measured = queue === storeQueue
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                let start = measured ? threadCPUMicroseconds() : 0
                let result = Result { try body() }
                if measured { storeCPU.add(threadCPUMicroseconds() - start, ordering: .relaxed) }
                continuation.resume(with: result)
            }
        }
    }

    private static func threadCPUMicroseconds() -> Int {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return ts.tv_sec * 1_000_000 + ts.tv_nsec / 1000
    }
}
