import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real `AF_UNIX` datagram socket standing in for systemd's notification socket in tests.
///
/// Pass ``address`` as `NOTIFY_SOCKET` to the code or process under test and read what it sent.
public final class NotifySocketListener: @unchecked Sendable {
    // Owner: the test that created it; `fd` is only read from (one test at a time), closed in deinit.
    private let fd: Int32
    private let path: String?
    /// The `NOTIFY_SOCKET` value: a file path, or `@name` for an abstract socket.
    public let address: String

    /// Binds a socket file in `directory`, or an abstract socket with a unique name when `directory` is `nil`.
    public init(directory: URL? = nil) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        var bytes: [UInt8]
        if let directory {
            let p = directory.appendingPathComponent("notify-\(UInt32.random(in: 0...UInt32.max)).sock").path
            path = p
            address = p
            bytes = Array(p.utf8)
        } else {
            let name = "newswatch-test-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
            path = nil
            address = "@" + name
            bytes = [0] + Array(name.utf8)
        }
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            close(fd)
            throw POSIXError(.ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { dst in
            for (i, b) in bytes.enumerated() { dst[i] = b }
        }
        let offset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)!
        let length = socklen_t(offset + bytes.count + (path == nil ? 0 : 1))
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard rc == 0 else {
            let code = errno
            close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
    }

    deinit {
        close(fd)
        if let path { unlink(path) }
    }

    /// The next datagram, or `nil` if none arrives within `timeout` seconds.
    public func receive(timeout: TimeInterval) -> String? {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let ms = Int32(max(0, deadline.timeIntervalSinceNow * 1000).rounded(.up))
            let ready = poll(&pfd, 1, ms)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return nil }
            var buffer = [UInt8](repeating: 0, count: 65536)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n >= 0 else { return nil }
            return String(decoding: buffer[0..<n], as: UTF8.self)
        }
    }

    /// Every datagram arriving within `duration` seconds.
    public func receiveAll(for duration: TimeInterval) -> [String] {
        var out: [String] = []
        let deadline = Date().addingTimeInterval(duration)
        while case let remaining = deadline.timeIntervalSinceNow, remaining > 0 {
            if let message = receive(timeout: remaining) { out.append(message) }
        }
        return out
    }

    /// Datagrams until one satisfies `predicate` (included) or `timeout` passes; `nil` on timeout.
    public func receive(until predicate: (String) -> Bool, timeout: TimeInterval) -> [String]? {
        var out: [String] = []
        let deadline = Date().addingTimeInterval(timeout)
        while case let remaining = deadline.timeIntervalSinceNow, remaining > 0 {
            guard let message = receive(timeout: remaining) else { return nil }
            out.append(message)
            if predicate(message) { return out }
        }
        return nil
    }
}
