import Foundation

/// A value behind a lock, for state shared between the daemon's tasks.
///
/// A pthread-based `NSLock` rather than `Synchronization.Mutex`: ThreadSanitizer on Linux misreports the latter
/// (STYLE.md).
final class Locked<Value: Sendable>: @unchecked Sendable {
    // Owner: `lock` guards `value`.
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
