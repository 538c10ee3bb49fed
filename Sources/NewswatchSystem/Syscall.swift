import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The one place where newswatch calls `write`, `fsync` and friends and turns a failure into a `SystemError`.
///
/// Each call is retried while it fails with `EINTR` (a signal arrived before anything happened), so no caller
/// writes that loop again.
public enum Syscall {
    /// Calls `body` until it does not fail with `EINTR`; a negative result becomes a `SystemError` for `call`.
    public static func retryingInterrupts<Result: BinaryInteger>(
        _ call: String, path: String? = nil, _ body: () -> Result
    ) throws(SystemError) -> Result {
        while true {
            let result = body()
            if result >= 0 { return result }
            let code = errno
            if code == EINTR { continue }
            throw SystemError(call, path: path, errno: code)
        }
    }

    /// Writes every byte of `bytes` to `fd`, continuing after short writes and `EINTR`.
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String? = nil) throws(SystemError) {
        try transferAll(bytes, "write", path: path) { Glibc.write(fd, $0, $1) }
    }

    /// Writes every byte of `bytes` (a `Data`, an array, …) to `fd`, continuing after short writes and `EINTR`.
    public static func writeAll(_ fd: Int32, _ bytes: some ContiguousBytes, path: String? = nil) throws(SystemError) {
        try withRawBytes(bytes) { raw throws(SystemError) in try writeAll(fd, raw, path: path) }
    }

    /// Sends every byte of `bytes` on socket `fd` with `MSG_NOSIGNAL`: a peer that went away is an `EPIPE` error,
    /// not a process-killing `SIGPIPE`.
    public static func sendAll(_ fd: Int32, _ bytes: some ContiguousBytes) throws(SystemError) {
        try withRawBytes(bytes) { raw throws(SystemError) in
            try transferAll(raw, "send", path: nil) { Glibc.send(fd, $0, $1, Int32(MSG_NOSIGNAL)) }
        }
    }

    /// The loop behind `writeAll` and `sendAll`: `call` until every byte is through.
    private static func transferAll(
        _ bytes: UnsafeRawBufferPointer, _ call: String, path: String?, _ transfer: (UnsafeRawPointer, Int) -> Int
    ) throws(SystemError) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            offset += try retryingInterrupts(call, path: path) { transfer(base + offset, bytes.count - offset) }
        }
    }

    /// `body` over `bytes`' raw storage, keeping its typed error.
    private static func withRawBytes(
        _ bytes: some ContiguousBytes, _ body: (UnsafeRawBufferPointer) throws(SystemError) -> Void
    ) throws(SystemError) {
        let failure: SystemError? = bytes.withUnsafeBytes { raw in
            do throws(SystemError) {
                try body(raw)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    /// Flushes `fd`'s data and metadata to the disk (`fsync`).
    public static func fsync(_ fd: Int32, path: String? = nil) throws(SystemError) {
        _ = try retryingInterrupts("fsync", path: path) { Glibc.fsync(fd) }
    }

    /// Makes the entries of directory `path` durable (new, renamed or removed files), as `fsync` on the directory.
    public static func fsyncDirectory(_ path: String) throws(SystemError) {
        let fd = try retryingInterrupts("open", path: path) { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { close(fd) }
        try fsync(fd, path: path)
    }
}
