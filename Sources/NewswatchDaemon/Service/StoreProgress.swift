import Foundation
import NewswatchSystem

/// Whether the store is making progress, for the watchdog (CONTRACT §7: "WATCHDOG=1 stops only when the loop or the
/// store is stuck").
///
/// The scheduler loop alone is not enough: polls write from their own tasks, so a store that blocks (another process
/// holding the write lock, a hung disk) leaves the loop waking and beating while no feed is recorded. And SQLite's
/// busy timeout (10 s) is shorter than a realistic watchdog period, so a locked store shows up as writes that each
/// fail after waiting rather than as one that never returns. The store is stuck when, for longer than the allowed
/// time, either one operation has been running, or every write has failed.
///
/// ``WatchedStore`` reports every call here.
public final class StoreProgress: @unchecked Sendable {
    private struct State {
        var running: [UInt64: ContinuousClock.Instant] = [:]
        var nextToken: UInt64 = 0
        /// When the first of the writes failed that have failed since the last successful one.
        var failingSince: ContinuousClock.Instant?
    }

    // Owner: `state` is behind its own lock.
    private let state = Locked(State())

    /// Why the store counts as stuck.
    public enum Stall: Sendable, Equatable {
        /// One operation has been running since this long ago.
        case operationRunning(Duration)
        /// Every write has failed for this long.
        case writesFailing(Duration)
    }

    public init() {}

    /// Records that an operation started at `instant`; pass the token to ``finish(_:write:succeeded:at:)``.
    public func start(at instant: ContinuousClock.Instant = .now) -> UInt64 {
        state.withLock { state in
            state.nextToken += 1
            state.running[state.nextToken] = instant
            return state.nextToken
        }
    }

    /// Records that the operation `token` ended. A successful write clears the failure streak; a failed write starts
    /// one unless one is already running. Reads never touch the streak: in WAL mode they succeed while writes block.
    public func finish(_ token: UInt64, write: Bool, succeeded: Bool, at instant: ContinuousClock.Instant = .now) {
        state.withLock { state in
            state.running[token] = nil
            guard write else { return }
            if succeeded {
                state.failingSince = nil
            } else if state.failingSince == nil {
                state.failingSince = instant
            }
        }
    }

    /// Why the store is stuck at `instant`, allowing `tolerance`; `nil` while it makes progress.
    public func stall(at instant: ContinuousClock.Instant, tolerance: Duration) -> Stall? {
        let (oldest, failing) = state.withLock { ($0.running.values.min(), $0.failingSince) }
        if let oldest, instant - oldest > tolerance { return .operationRunning(instant - oldest) }
        if let failing, instant - failing > tolerance { return .writesFailing(instant - failing) }
        return nil
    }
}
