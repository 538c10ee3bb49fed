import Foundation
import NewswatchCore
import NewswatchSystem

/// A wake-up for one waiting task: `signal()` from anywhere, `wait()` from the one task that owns it.
///
/// A signal sent while nobody waits is kept (once), so a wake that arrives during a drain is not lost.
final class SinkWakeSignal: @unchecked Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    // Owner: `state` is behind its own lock.
    private let state = Locked(State())

    func signal() {
        let waiting: CheckedContinuation<Void, Never>? = state.withLock { state in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiting?.resume()
    }

    /// Returns at the next signal (at once if one is pending) or when the task is cancelled.
    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now: Bool = state.withLock { state in
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            let waiting: CheckedContinuation<Void, Never>? = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiting?.resume()
        }
    }

    /// Returns at the next signal, at `deadline` on `clock`, or on cancellation, whichever comes first.
    func wait(until deadline: Date?, clock: any NewswatchClock) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.wait() }
            if let deadline {
                group.addTask { try? await clock.sleep(until: deadline) }
            }
            await group.next()
            group.cancelAll()
        }
    }
}
