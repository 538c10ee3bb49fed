import NIOCore
import NewswatchSystem

/// Runs the scrapes' store reads in a task of their own, off the server's event loop, so that a stuck
/// store never holds up `/healthz`; and bounds them: one running and `maxWaiting` queued behind it at most, any
/// further scrape is answered 503 at once instead of piling up behind a store that does not answer.
final class MetricsScrapeGate: Sendable {
    /// Scrapes that may wait behind the running one.
    static let maxWaiting = 1

    // Owner: the lock; scrapes running or queued.
    private let inFlight = Locked(0)

    /// `work` in a task, its result on `eventLoop`; `nil` (nothing run) when too many are in flight.
    func run<T: Sendable>(on eventLoop: any EventLoop, _ work: @escaping @Sendable () async -> T)
        -> EventLoopFuture<T>?
    {
        let admitted = inFlight.withLock { n in
            guard n <= Self.maxWaiting else { return false }
            n += 1
            return true
        }
        guard admitted else { return nil }
        let promise = eventLoop.makePromise(of: T.self)
        Task {
            let result = await work()
            self.inFlight.withLock { $0 -= 1 }
            promise.succeed(result)
        }
        return promise.futureResult
    }
}
