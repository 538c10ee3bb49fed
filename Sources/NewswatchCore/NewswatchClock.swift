import Foundation

/// Where the daemon gets the time from, so the scheduler and digests are testable without waiting.
public protocol NewswatchClock: Sendable {
    /// The current instant.
    func now() -> Date
    /// Suspends until `deadline` (or until cancelled, which throws `CancellationError`).
    func sleep(until deadline: Date) async throws
}

/// The wall clock.
public struct SystemClock: NewswatchClock {
    /// The wall clock.
    public init() {}
    /// The current instant.
    public func now() -> Date { Date() }
    /// Sleeps until `deadline` (at most a year at a time).
    public func sleep(until deadline: Date) async throws {
        let interval = deadline.timeIntervalSinceNow
        // Callers sleep a day at most; the cap only keeps `UInt64(_:)` from trapping on an absurd deadline (past 584
        // years), which then wakes early instead.
        if interval > 0 { try await Task.sleep(nanoseconds: UInt64(min(interval, 365 * 86400) * 1e9)) }
    }
}

/// A clock that moves only when told to; sleepers wake when `advance` passes their deadline.
public final class ManualClock: NewswatchClock, @unchecked Sendable {
    // Owner: `lock` guards `current` and `sleepers`.
    private let lock = NSLock()
    private var current: Date
    private var sleepers: [(id: UInt64, deadline: Date, continuation: CheckedContinuation<Void, Error>)] = []
    private var nextID: UInt64 = 0

    /// A clock standing at `start`.
    public init(start: Date) { current = start }

    /// The instant the clock was last set or advanced to.
    public func now() -> Date { lock.withLock { current } }

    /// Number of tasks currently sleeping on this clock (lets tests wait until a loop is idle).
    public var sleeperCount: Int { lock.withLock { sleepers.count } }

    /// Suspends until `advance` passes `deadline` (or cancelled).
    public func sleep(until deadline: Date) async throws {
        let id: UInt64 = lock.withLock {
            nextID += 1
            return nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (cont: CheckedContinuation<Void, Error>) in
                let resumeNow: Bool = lock.withLock {
                    if deadline <= current || Task.isCancelled { return true }
                    sleepers.append((id, deadline, cont))
                    return false
                }
                if resumeNow {
                    if Task.isCancelled { cont.resume(throwing: CancellationError()) } else { cont.resume() }
                }
            }
        } onCancel: {
            let cont: CheckedContinuation<Void, Error>? = lock.withLock {
                guard let i = sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return sleepers.remove(at: i).continuation
            }
            cont?.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock forward and wakes every sleeper whose deadline has passed.
    public func advance(by seconds: TimeInterval) {
        let due: [CheckedContinuation<Void, Error>] = lock.withLock {
            current = current.addingTimeInterval(seconds)
            let now = current
            let ready = sleepers.filter { $0.deadline <= now }
            sleepers.removeAll { $0.deadline <= now }
            return ready.map(\.continuation)
        }
        for c in due { c.resume() }
    }
}
