import Foundation
import NewswatchSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The exclusive lock one `newswatch run` holds on its state directory (CONTRACT §1).
///
/// `flock` on `<state_dir>/newswatch.lock`: the kernel drops it when the process dies, even by SIGKILL, so a crash
/// never leaves a stale lock. The holder writes its PID into the file so a second `run` can name it.
public final class RunLock: Sendable {
    // Owner: this object; the descriptor is closed (and the lock released) in deinit.
    private let fd: Int32
    public let path: String

    /// Takes the lock or throws `RunLockError.held(pid:)` naming the holder.
    public init(stateDirectory: URL) throws(RunLockError) {
        let path = stateDirectory.appendingPathComponent("newswatch.lock").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw RunLockError.cannotOpen(path: path, errno: errno) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = RunLock.readPID(fd)
            close(fd)
            throw RunLockError.held(path: path, pid: holder)
        }
        // Replace the contents with our PID.
        _ = ftruncate(fd, 0)
        let text = Array("\(getpid())\n".utf8)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        self.fd = fd
        self.path = path
    }

    deinit {
        close(fd)
    }

    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// Why the run lock could not be taken.
public enum RunLockError: Error, Sendable, CustomStringConvertible {
    case held(path: String, pid: Int32?)
    case cannotOpen(path: String, errno: Int32)

    public var description: String {
        switch self {
        case .held(let path, let pid):
            let who = pid.map { "process \($0)" } ?? "another process"
            return "another newswatch run is active on this state (\(who) holds \(path)); stop it first"
        case .cannotOpen(let path, let err):
            return "cannot open lock file \(path): \(SystemError.reason(err))"
        }
    }
}
