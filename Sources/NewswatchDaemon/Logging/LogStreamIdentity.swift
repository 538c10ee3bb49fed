import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The device and inode of an open file, as `$JOURNAL_STREAM` names journald's stream (`"device:inode"`).
public struct LogStreamIdentity: Sendable, Hashable {
    public var device: UInt64
    public var inode: UInt64

    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    /// Parses `$JOURNAL_STREAM` (`"8:12345"`, both decimal); `nil` when malformed.
    public init?(journalStream: String) {
        let parts = journalStream.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let d = UInt64(parts[0]), let i = UInt64(parts[1]) else { return nil }
        self.init(device: d, inode: i)
    }

    /// The identity of open file descriptor `fd` (`fstat`), `nil` when it is not open.
    public static func of(fileDescriptor fd: Int32) -> LogStreamIdentity? {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        return LogStreamIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
    }
}
