import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive lock on a folder that several processes append to — daemons on one machine or on several hosts
/// sharing the folder over NFS (CONTRACT §9: one record in a shared `output_dir`).
///
/// The lock is an open-file-description (OFD) write lock (`fcntl(F_OFD_SETLKW)`) on the hidden file `.lock` in the
/// folder. OFD locks are POSIX byte-range locks: Linux forwards them to the server on NFSv3 (NLM), NFSv4 and
/// `local_lock=none` mounts, where `flock` on a directory fails or stays local. Unlike classic `F_SETLK` locks they
/// belong to one open file description, not to the process, so two holders in one process exclude each other too and
/// closing an unrelated descriptor of the file never drops the lock. The kernel (or the NFS server's lease) releases
/// it when the holder dies. Readers listing the folder skip names starting with `.`.
public struct FolderLock: Sendable {
    /// The lock file's name inside the folder.
    public static let fileName = ".lock"

    /// `F_OFD_SETLK`/`F_OFD_SETLKW` (Linux `<fcntl.h>`; not imported into Swift without `_GNU_SOURCE`).
    private static let setLock: Int32 = 37
    private static let setLockWait: Int32 = 38

    /// The folder the lock guards.
    public let directory: String

    /// The lock for `directory` (the folder must exist when the lock is taken).
    public init(directory: String) {
        self.directory = directory
    }

    /// `<directory>/.lock`.
    public var path: String { directory + "/" + Self.fileName }

    /// Runs `body` holding the lock, waiting as long as another holder keeps it.
    public func withLock<T>(_ body: () throws -> T) throws -> T {
        let fd = try acquire(wait: true)
        defer { close(fd) }
        return try body()
    }

    /// Runs `body` holding the lock if no one else holds it; `nil` without running it otherwise.
    public func withLockIfFree<T>(_ body: () throws -> T) throws -> T? {
        let fd = try acquire(wait: false)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return try body()
    }

    /// Opens the lock file and write-locks all of it; `-1` when `wait` is false and another holder has it. Closing
    /// the descriptor releases the lock.
    private func acquire(wait: Bool) throws(SystemError) -> Int32 {
        let path = path
        let fd = try Syscall.retryingInterrupts("open", path: path) {
            open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
        }
        var request = flock()
        request.l_type = Int16(F_WRLCK)
        request.l_whence = Int16(SEEK_SET)
        request.l_start = 0
        request.l_len = 0  // to the end of the file, however long it grows
        request.l_pid = 0  // required by OFD locks
        while fcntl(fd, wait ? Self.setLockWait : Self.setLock, &request) != 0 {
            let code = errno
            if code == EINTR { continue }
            close(fd)
            if !wait && (code == EAGAIN || code == EACCES) { return -1 }
            throw SystemError("fcntl(F_OFD_SETLK)", path: path, errno: code)
        }
        return fd
    }
}
