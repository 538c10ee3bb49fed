import Foundation
import Logging
import NewswatchConfig
import NewswatchTestSupport
import Prometheus
import Testing

@testable import NewswatchDaemon

#if canImport(Glibc)
    import Glibc
#endif

/// The endpoint's server over real loopback sockets: a scrape whose store read hangs holds up neither `/healthz`
/// nor the event loop, scrapes piling up behind it are turned away, idle connections are closed.
@Suite struct MetricsServerTests {
    /// A server whose scrapes hang (as a store read that does not return would) until `release` is signalled;
    /// `entered` is signalled as each scrape starts. The wait blocks a Dispatch thread, not the cooperative pool, as
    /// the daemon's offloaded store reads do.
    private func stuckServer(entered: DispatchSemaphore, release: DispatchSemaphore, idle: Duration = .seconds(30))
        async throws -> (MetricsServer, base: String)
    {
        let registry = PrometheusCollectorRegistry()
        let metrics = NewswatchMetrics(factory: PrometheusMetricsFactory.newswatch(registry: registry))
        let responder = MetricsResponder(
            registry: registry, metrics: metrics,
            refresh: {
                entered.signal()
                await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                    DispatchQueue.global().async {
                        release.wait()
                        done.resume()
                    }
                }
            },
            problem: { "a store operation has run for 75.0 s" })
        let server = try await MetricsServer.bind(
            MetricsListen(host: "127.0.0.1", port: 0), responder: responder, logger: Logger(label: "test"),
            idleTimeout: idle)
        let port = try #require(server.port)
        return (server, "http://127.0.0.1:\(port)")
    }

    @Test func healthzAnswers503WhileAScrapeHangsOnTheStore() async throws {
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let (server, base) = try await stuckServer(entered: entered, release: release)
        let serving = Task { try await server.run() }
        defer { serving.cancel() }

        let scrape = try CurlRequest.start(base + "/metrics", maxTime: 60)
        #expect(try await offPool { entered.wait(timeout: .now() + 10) } == .success)
        // Two more: one waits behind the running scrape, the other finds both places taken and is turned away at
        // once (503), not queued.
        let later = try [0, 1].map { _ in try CurlRequest.start(base + "/metrics", maxTime: 60) }
        let turnedAway = try await offPool { () -> Int? in
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                if let done = later.firstIndex(where: { !$0.isRunning }) { return done }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return nil
        }
        let rejected = try #require(turnedAway, "no scrape was turned away while two waited")
        #expect(later[rejected].finish().status == 503)
        let health = try await offPool { try CurlRequest.fetch(base + "/healthz", maxTime: 10) }
        #expect(health.status == 503, "/healthz did not answer while a scrape hung: \(health)")
        #expect(health.body == "unhealthy: a store operation has run for 75.0 s\n")

        // One for each scrape that reached `refresh`, and one spare.
        for _ in 0..<3 { release.signal() }
        let first = try await offPool { scrape.finish() }
        let waited = later[1 - rejected]
        let second = try await offPool { waited.finish() }
        #expect(first.status == 200, "\(first)")
        #expect(second.status == 200, "\(second)")
    }

    @Test func anIdleConnectionIsClosed() async throws {
        let (server, base) = try await stuckServer(
            entered: DispatchSemaphore(value: 0), release: DispatchSemaphore(value: 0), idle: .seconds(1))
        let serving = Task { try await server.run() }
        defer { serving.cancel() }
        let port = try #require(server.port)
        // Connected, sends nothing: the server hangs up (read gives 0) well within the 20 s the test waits.
        let closed = try await offPool { try Self.serverHangsUp(port: port, within: 20) }
        #expect(closed)
        #expect(try await offPool { try CurlRequest.fetch(base + "/healthz", maxTime: 10) }.status == 503)
    }

    @Test func connectionsBeyondTheCapAreClosedAtOnce() async throws {
        let (server, base) = try await stuckServer(
            entered: DispatchSemaphore(value: 0), release: DispatchSemaphore(value: 0))
        let serving = Task { try await server.run() }
        defer { serving.cancel() }
        let port = try #require(server.port)
        let held = (0..<MetricsServer.maxConnections).map { _ in Self.connect(port: port) }
        #expect(held.allSatisfy { $0 >= 0 })
        // One more is hung up on (the idle timeout is 30 s: only the cap closes it within 10 s).
        #expect(try await offPool { try Self.serverHangsUp(port: port, within: 10) })
        for fd in held { close(fd) }
        // Once they are gone the server answers again.
        let health = try await offPool { () -> Int in
            for _ in 0..<50 {
                let status = try CurlRequest.fetch(base + "/healthz", maxTime: 5).status
                if status != 0 { return status }
                Thread.sleep(forTimeInterval: 0.1)
            }
            return 0
        }
        #expect(health == 503)
    }

    /// A socket connected to `127.0.0.1:port`; -1 when it could not connect.
    private static func connect(port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return -1 }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            return -1
        }
        return fd
    }

    /// Connects to `127.0.0.1:port` and waits up to `seconds` for the server to close the connection.
    private static func serverHangsUp(port: Int, within seconds: Int) throws -> Bool {
        let fd = connect(port: port)
        #expect(fd >= 0)
        defer { close(fd) }
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var byte: UInt8 = 0
        return read(fd, &byte, 1) == 0
    }
}

/// `body` on a thread of its own: waits and blocking reads stay off the cooperative pool.
private func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { done in
        Thread.detachNewThread { done.resume(with: Result { try body() }) }
    }
}
