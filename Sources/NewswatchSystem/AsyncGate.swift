import Synchronization

/// A mutual-exclusion lock for async code: one holder at a time, waiters resumed in arrival order.
///
/// For a critical section that awaits (a store call, an offloaded file write) and must not interleave with another
/// run of itself; an actor would not do, as its methods re-enter at every `await`.
package final class AsyncGate: Sendable {
    private struct State {
        var held = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    package init() {}

    /// Runs `body` holding the gate; waits for the current holder first.
    package func withLock<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let free = state.withLock { s -> Bool in
                if s.held {
                    s.waiters.append(continuation)
                    return false
                }
                s.held = true
                return true
            }
            if free { continuation.resume() }
        }
    }

    private func release() {
        // The gate passes straight to the next waiter (it stays held), so no newcomer can overtake the queue.
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if s.waiters.isEmpty {
                s.held = false
                return nil
            }
            return s.waiters.removeFirst()
        }
        next?.resume()
    }
}
