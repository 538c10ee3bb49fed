import Foundation
import NewswatchSystem

#if canImport(Glibc)
    import Glibc
#endif

/// A real HTTP/1.1 server on `127.0.0.1`, on a port the kernel picks, for tests.
///
/// Each test starts its own server, scripts it with a handler (or a table of routes), points the code under test at
/// `url(_:)`, and stops it (also done on `deinit`). It speaks plain HTTP/1.1 with keep-alive over POSIX sockets, one
/// thread per connection, and can misbehave on purpose: endless bodies, one byte per interval, accept-and-never-answer,
/// dropped connections, raw bytes. It records every request (with headers and body) and counts open connections.
///
/// ```swift
/// let server = try LoopbackHTTPServer.start { request in
///     request.header("If-None-Match") == "\"v1\"" ? .notModified() : .ok("<rss/>", headers: [("ETag", "\"v1\"")])
/// }
/// defer { server.stop() }
/// let url = server.url("/feed.xml")   // "http://127.0.0.1:<port>/feed.xml"
/// ```
///
/// - Important: the handler runs on the connection's own thread; it may block briefly (prefer `Response.delay`,
///   which `stop()` interrupts).
public final class LoopbackHTTPServer: @unchecked Sendable {
    // Owner: `lock` guards every `var` below; `listenFD`, `wakeRead`/`wakeWrite` are set once in `init`.
    private let lock = NSLock()
    private let handler: @Sendable (Request) -> Response
    private let listenFD: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private var stopped = false
    private var recorded: [Request] = []
    private var connectionFDs: [Int: Int32] = [:]
    private var nextConnection = 0
    private var openCount = 0
    private var maxOpen = 0
    private var liveThreads = 0
    private let threadsDone = NSCondition()

    /// The TCP port the server listens on.
    public let port: Int

    /// The loopback address the server listens on (`127.0.0.1` unless started with another).
    public let address: String

    /// `http://<address>:<port>`.
    public var baseURL: String { "http://\(address):\(port)" }

    /// The absolute URL of `path` on this server (`path` should start with `/`).
    public func url(_ path: String) -> String { baseURL + (path.hasPrefix("/") ? path : "/" + path) }

    /// Starts a server whose every request is answered by `handler`.
    ///
    /// `address` may be any address of `127.0.0.0/8` (Linux routes the whole range to the loopback interface), so a
    /// test can run two "hosts".
    public static func start(
        address: String = "127.0.0.1", handler: @escaping @Sendable (Request) -> Response
    ) throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer(address: address, handler: handler)
    }

    /// Starts a server answering from a table keyed by path (without the query); other paths get 404.
    public static func start(address: String = "127.0.0.1", routes: [String: Response]) throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer(address: address) { request in routes[request.path] ?? .status(404) }
    }

    private init(address: String, handler: @escaping @Sendable (Request) -> Response) throws {
        self.handler = handler
        self.address = address
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure("\(SystemError("socket"))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        guard inet_pton(AF_INET, address, &addr.sin_addr) == 1 else {
            close(fd)
            throw Failure("not an IPv4 address: \(address)")
        }
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 128) == 0 else {
            let failure = SystemError("bind/listen")
            close(fd)
            throw Failure("\(failure)")
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        port = Int(UInt16(bigEndian: addr.sin_port))
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            close(fd)
            throw Failure("\(SystemError("pipe"))")
        }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        listenFD = fd
        wakeRead = fds[0]
        wakeWrite = fds[1]
        spawn { [self] in acceptLoop() }
    }

    deinit {
        stop()
    }

    // MARK: - Observations

    /// Every request received so far, in arrival order.
    public var requests: [Request] { lock.withLock { recorded } }

    /// The requests received so far for `path` (without the query).
    public func requests(for path: String) -> [Request] { requests.filter { $0.path == path } }

    /// Connections open right now.
    public var openConnections: Int { lock.withLock { openCount } }

    /// The most connections that were open at the same time since start (or the last `resetCounters`).
    public var maxConcurrentConnections: Int { lock.withLock { maxOpen } }

    /// Connections accepted since start.
    public var acceptedConnections: Int { lock.withLock { nextConnection } }

    /// Forgets recorded requests and the concurrency high-water mark (open connections stay counted).
    public func resetCounters() {
        lock.withLock {
            recorded.removeAll()
            maxOpen = openCount
        }
    }

    /// Waits (polling, at most `timeout` seconds) until `count` requests have arrived; returns whether they did.
    @discardableResult
    public func waitForRequests(_ count: Int, timeout: TimeInterval = 10) -> Bool {
        let deadline = Self.monotonic() + timeout
        while Self.monotonic() < deadline {
            if lock.withLock({ recorded.count }) >= count { return true }
            usleep(5_000)
        }
        return lock.withLock { recorded.count } >= count
    }

    /// Waits (sleeping the task, at most `timeout` seconds) until `count` requests have arrived; returns whether they
    /// did. The form to use from async tests: it never blocks a thread of the cooperative pool.
    @discardableResult
    public func waitForRequests(_ count: Int, timeout: TimeInterval = 10) async -> Bool {
        let deadline = Self.monotonic() + timeout
        while Self.monotonic() < deadline {
            if lock.withLock({ recorded.count }) >= count { return true }
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        return lock.withLock { recorded.count } >= count
    }

    /// The monotonic clock `Request.receivedAt` uses (seconds; comparable across servers in one process).
    public static func now() -> Double { monotonic() }

    // MARK: - Stopping

    /// Stops accepting, cuts every open connection (also hanging and endless ones) and waits for the server's threads
    /// to finish (at most a few seconds). Idempotent.
    public func stop() {
        // Shut connections down under the lock: a connection thread closes its descriptor under the same lock, so a
        // descriptor number reused elsewhere in the process is never shut down here.
        let first: Bool = lock.withLock {
            if stopped { return false }
            stopped = true
            for fd in connectionFDs.values { shutdown(fd, Int32(SHUT_RDWR)) }
            return true
        }
        guard first else { return }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
        shutdown(listenFD, Int32(SHUT_RDWR))
        threadsDone.lock()
        let deadline = Date().addingTimeInterval(5)
        while liveThreadCount > 0 && threadsDone.wait(until: deadline) {}
        threadsDone.unlock()
        close(listenFD)
        // The wake pipe stays readable for any straggler past the deadline; close it only when all threads are gone.
        if liveThreadCount == 0 {
            close(wakeRead)
            close(wakeWrite)
        }
    }

    private var liveThreadCount: Int { lock.withLock { liveThreads } }
    private var isStopped: Bool { lock.withLock { stopped } }

    // MARK: - Threads

    private func spawn(_ body: @escaping @Sendable () -> Void) {
        lock.withLock { liveThreads += 1 }
        let thread = Thread { [self] in
            body()
            lock.withLock { liveThreads -= 1 }
            threadsDone.lock()
            threadsDone.broadcast()
            threadsDone.unlock()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    private func acceptLoop() {
        while !isStopped {
            guard waitReadable(listenFD, timeout: -1) else { return }
            let fd = accept(listenFD, nil, nil)
            if fd < 0 {
                if errno == EINTR || errno == EAGAIN || errno == ECONNABORTED { continue }
                return
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let id: Int? = lock.withLock {
                if stopped { return nil }
                nextConnection += 1
                connectionFDs[nextConnection] = fd
                openCount += 1
                maxOpen = max(maxOpen, openCount)
                return nextConnection
            }
            guard let id else {
                close(fd)
                return
            }
            spawn { [self] in
                var connection = Connection(server: self, fd: fd, id: id)
                connection.serve()
                lock.withLock {
                    connectionFDs[id] = nil
                    openCount -= 1
                    close(fd)
                }
            }
        }
    }

    // MARK: - Used by `Connection`

    func record(_ request: Request) {
        lock.withLock { recorded.append(request) }
    }

    func respond(to request: Request) -> Response { handler(request) }

    /// Waits until `fd` is readable, the server stops, or `timeout` seconds pass (negative: no limit).
    /// Returns true only when `fd` is readable and the server is still running.
    func waitReadable(_ fd: Int32, timeout: Double) -> Bool {
        var fds = [
            pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
        ]
        let ms = timeout < 0 ? Int32(-1) : Int32(min(timeout * 1000, Double(Int32.max)).rounded(.up))
        let n = (try? Syscall.retryingInterrupts("poll") { poll(&fds, 2, ms) }) ?? -1
        if n <= 0 || fds[1].revents != 0 { return false }
        return fds[0].revents != 0
    }

    /// Sleeps `seconds` unless the server stops first; returns false if it stopped.
    func pause(_ seconds: Double) -> Bool {
        guard seconds > 0 else { return !isStopped }
        var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        let deadline = Self.monotonic() + seconds
        while true {
            let left = deadline - Self.monotonic()
            if left <= 0 { return !isStopped }
            let n = poll(&fds, 1, Int32((left * 1000).rounded(.up)))
            if n < 0 && errno == EINTR { continue }
            if n > 0 { return false }
        }
    }

    static func monotonic() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// A TCP port on 127.0.0.1 that nothing listens on (bound, then released), for "connection refused" tests.
    public static func unusedPort() throws -> Int {
        let server = try LoopbackHTTPServer(address: "127.0.0.1") { _ in .status(500) }
        let port = server.port
        server.stop()
        return port
    }
}

extension LoopbackHTTPServer {
    /// Why the loopback server (or one of its helpers) failed.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }
}
