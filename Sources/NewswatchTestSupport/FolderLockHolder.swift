import Dispatch
import Foundation
import NewswatchSystem

/// Holds a folder's `FolderLock` on a thread of its own until ``release()``, standing in for another daemon that is
/// appending to a shared `output_dir` at that moment.
public final class FolderLockHolder: Sendable {
    private let taken = DispatchSemaphore(value: 0)
    private let released = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    /// Takes the lock of `directory` (created if missing) and returns once it is held.
    public init(directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let lock = FolderLock(directory: directory.path)
        let (taken, released, done) = (taken, released, done)
        Thread.detachNewThread {
            _ = try? lock.withLock {
                taken.signal()
                released.wait()
            }
            done.signal()
        }
        taken.wait()
    }

    /// Lets the lock go and waits until it is released.
    public func release() {
        released.signal()
        done.wait()
    }
}
