import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A failed system call: the `errno` it left, the call's name and the file it was about.
///
/// Made once, where the call is made (`Syscall`, `AtomicFile`), as NIOPosix's `System.swift` turns errno into
/// `IOError`; callers wrap it in their module's error with their own words.
public struct SystemError: Error, Sendable, CustomStringConvertible {
    /// The `errno` the call left.
    public var errno: Int32
    /// The system call that failed (`open`, `write`, `fsync`, `rename`, …).
    public var call: String
    /// The file or directory the call was about, when there is one.
    public var path: String?

    /// An error for `call` on `path` with `errno` (by default the thread's current `errno`).
    public init(_ call: String, path: String? = nil, errno code: Int32 = Glibc.errno) {
        self.errno = code
        self.call = call
        self.path = path
    }

    /// The system's text for `errno` (`strerror`).
    public var reason: String { Self.reason(errno) }

    /// Whether the disk is full or a file size or quota limit was hit (`ENOSPC`, `EFBIG`, `EDQUOT`).
    public var isDiskFull: Bool { [EFBIG, ENOSPC, EDQUOT].contains(errno) }

    /// The system's text for an `errno` value (`strerror`).
    public static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// `call path: reason`, or `call: reason` without a path.
    public var description: String {
        if let path { return "\(call) \(path): \(reason)" }
        return "\(call): \(reason)"
    }
}
