import Foundation
import NewswatchSystem

#if canImport(Glibc)
    import Glibc
#endif

/// A minimal HTTP/1.1 server on 127.0.0.1 that serves fixed documents, for `newswatch demo`.
///
/// The demo must exercise the real fetch path (libcurl, conditional GET, the private-network policy) without any
/// network beyond loopback, so it serves the bundled samples over a real socket. It answers `GET` for known paths
/// with `200` (and `ETag`/`If-None-Match` → `304`), anything else with `404`, one request per connection.
/// It is deliberately small: it only ever talks to our own fetcher in the same process.
public final class DemoFeedServer: @unchecked Sendable {
    /// One document to serve.
    public struct Document: Sendable {
        public var body: Data
        public var contentType: String
        public init(body: Data, contentType: String) {
            self.body = body
            self.contentType = contentType
        }
    }

    // Owner: immutable after init; `running` is behind its own lock.
    private let documents: [String: Document]
    private let listener: Int32
    public let port: UInt16
    private let running = Locked(true)
    private var thread: Thread?

    /// Binds 127.0.0.1 on an ephemeral port and starts serving `documents` (keyed by path, e.g. `/world.xml`).
    public init(documents: [String: Document]) throws {
        self.documents = documents
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw DemoServerError(message: "\(SystemError("socket"))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let failure = SystemError("listen", path: "127.0.0.1")
            close(fd)
            throw DemoServerError(message: "cannot listen on 127.0.0.1: \(failure.reason)")
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        listener = fd
        port = UInt16(bigEndian: addr.sin_port)
        // Weak: the server holds the thread, so a strong capture kept both alive after `stop()` (leaked per demo).
        let t = Thread { [weak self] in self?.acceptLoop() }
        t.name = "newswatch-demo-server"
        thread = t
        t.start()
    }

    /// The URL of a served path.
    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Stops accepting; the listening socket is closed.
    public func stop() {
        let wasRunning = running.withLock { running in
            defer { running = false }
            return running
        }
        guard wasRunning else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    deinit { stop() }

    private var isRunning: Bool { running.withLock { $0 } }

    private func acceptLoop() {
        while isRunning {
            guard let client = try? Syscall.retryingInterrupts("accept", { accept(listener, nil, nil) }) else { return }
            serve(client)
            close(client)
        }
    }

    private func serve(_ fd: Int32) {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while request.count < 16384 {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { return }
            request.append(contentsOf: buffer[0..<n])
            if request.count >= 4, request.suffix(4).elementsEqual([13, 10, 13, 10]) { break }
        }
        let head = String(decoding: request, as: UTF8.self)
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let requestLine = lines.first?.split(separator: " ") ?? []
        guard requestLine.count >= 2, requestLine[0] == "GET" else {
            respond(fd, status: "405 Method Not Allowed", headers: [], body: Data())
            return
        }
        let path = String(requestLine[1])
        guard let doc = documents[path] else {
            respond(
                fd, status: "404 Not Found", headers: [("Content-Type", "text/plain")], body: Data("not found\n".utf8))
            return
        }
        let etag = "\"\(doc.body.count)-\(Self.fnv1a(doc.body))\""
        let ifNoneMatch = lines.dropFirst().first { $0.lowercased().hasPrefix("if-none-match:") }
            .map { $0.dropFirst("if-none-match:".count).trimmingCharacters(in: .whitespaces) }
        if ifNoneMatch == etag {
            respond(fd, status: "304 Not Modified", headers: [("ETag", etag)], body: Data())
            return
        }
        respond(fd, status: "200 OK", headers: [("Content-Type", doc.contentType), ("ETag", etag)], body: doc.body)
    }

    private func respond(_ fd: Int32, status: String, headers: [(String, String)], body: Data) {
        var head = "HTTP/1.1 \(status)\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        head += "\r\n"
        var bytes = [UInt8](head.utf8)
        bytes.append(contentsOf: body)
        // A client that went away gets nothing more; the connection is closed either way.
        try? Syscall.sendAll(fd, bytes)
    }

    private static func fnv1a(_ data: Data) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in data {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return String(h, radix: 16)
    }
}

/// The demo server could not start.
public struct DemoServerError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { "demo server: \(message)" }
}
