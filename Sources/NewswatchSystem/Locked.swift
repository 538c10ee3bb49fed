#if canImport(Glibc)
    import Glibc
#endif

/// A value behind a lock, for state shared between tasks and threads.
///
/// A pthread mutex rather than `Synchronization.Mutex`: ThreadSanitizer on Linux misreports the latter (STYLE.md).
/// Not recursive: `body` must not call `withLock` on the same instance.
public final class Locked<Value: Sendable>: @unchecked Sendable {
    // Owner: `mutex` guards `state`; the mutex is heap-allocated so its address never moves.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var state: Value

    /// A lock around `value`.
    public init(_ value: Value) {
        state = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let status = pthread_mutex_init(mutex, nil)
        precondition(status == 0, "pthread_mutex_init: \(status)")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` with the value while holding the lock, and returns what it returns.
    public func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }
}
