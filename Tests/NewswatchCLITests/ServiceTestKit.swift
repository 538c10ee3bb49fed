import Foundation
import NewswatchTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What the service tests share: feeds served on loopback that the test changes while the daemon runs, a config
/// written into a temporary directory, the daemon started in the background, and readers for what it wrote.
final class ServiceWorld: @unchecked Sendable {
    // Owner: `lock` guards `documents`; the rest is set in `init`.
    private let lock = NSLock()
    private var documents: [String: (body: String, delay: TimeInterval)] = [:]
    let server: LoopbackHTTPServer
    let dir: TemporaryDirectory

    init() throws {
        dir = try TemporaryDirectory(prefix: "newswatch-svc")
        // The handler holds the world weakly: the server lives inside it.
        let box = WeakWorld()
        server = try LoopbackHTTPServer.start { request in
            box.world?.respond(to: request) ?? .status(503)
        }
        box.world = self
    }

    deinit {
        server.stop()
        dir.remove()
    }

    private final class WeakWorld: @unchecked Sendable {
        // Owner: set once in `ServiceWorld.init` before the server can call it.
        weak var world: ServiceWorld?
    }

    /// Serves `body` at `path` (after `delay` seconds), with an ETag so unchanged documents answer 304.
    func serve(_ path: String, _ body: String, delay: TimeInterval = 0) {
        lock.withLock { documents[path] = (body, delay) }
    }

    private func respond(to request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response {
        guard let doc = lock.withLock({ documents[request.path] }) else { return .status(404) }
        let etag = "\"\(doc.body.utf8.count)-\(doc.body.hashValue & 0xffff)\""
        if request.header("If-None-Match") == etag { return .notModified(etag: etag) }
        var response = LoopbackHTTPServer.Response.ok(doc.body, headers: [("ETag", etag)])
        response.delay = doc.delay
        return response
    }

    /// An RSS 2.0 document; each item was published `ago` seconds before now.
    static func rss(_ title: String, _ items: [(guid: String, title: String)], ago: TimeInterval = 120) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let date = formatter.string(from: Date().addingTimeInterval(-ago))
        let body = items.map { item in
            """
            <item><title>\(item.title)</title><link>https://news.example/\(item.guid)</link>
            <guid isPermaLink="false">\(item.guid)</guid><pubDate>\(date)</pubDate>
            <description>Filed by our correspondents.</description></item>
            """
        }.joined(separator: "\n")
        return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>\(title)</title>\(body)</channel></rss>"
    }

    struct Feed {
        var name: String
        var path: String
        var interval: String = "1s"
    }

    struct Topic {
        var id: String
        var query: String
    }

    /// The config file's URL.
    var configURL: URL { dir.file("newswatch.toml") }

    /// The state database the daemon writes.
    var databasePath: String { dir.file("state/newswatch.sqlite").path }

    /// Writes (or rewrites) the config; `extra` is appended verbatim.
    @discardableResult
    func writeConfig(feeds: [Feed], topics: [Topic], extra: String = "") throws -> URL {
        var text = """
            [daemon]
            state_dir = "state"
            output_dir = "out"
            allow_private_networks = true
            timeout = "30s"

            [digest]
            timezone = "UTC"

            """
        for feed in feeds {
            text += """

                [[feeds]]
                url = "\(server.url(feed.path))"
                name = "\(feed.name)"
                interval = "\(feed.interval)"

                """
        }
        for topic in topics {
            text += """

                [[topics]]
                id = "\(topic.id)"
                query = '\(topic.query)'

                """
        }
        text += extra
        // Write beside and rename, as an editor's save does: the daemon never reads half a file.
        let temp = dir.file("newswatch.toml.tmp")
        try Data(text.utf8).write(to: temp)
        _ = rename(temp.path, configURL.path)
        return configURL
    }

    /// Starts `newswatch run --config <config>` in the background.
    func startDaemon(
        environment: [String: String] = [:], logLevel: String? = nil, journalStreamIsStderr: Bool = false
    ) throws -> NewswatchProcess {
        var arguments = ["run", "--config", configURL.path]
        if let logLevel { arguments += ["--log-level", logLevel] }
        return try NewswatchProcess.start(
            arguments, environment: environment, journalStreamIsStderr: journalStreamIsStderr)
    }

    /// Every alert written so far, in file order.
    func alerts() throws -> [[String: Any]] {
        let alertsDir = dir.url.appendingPathComponent("out/alerts")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: alertsDir.path)) ?? []
        var result: [[String: Any]] = []
        for file in files.sorted() where file.hasSuffix(".jsonl") {
            let text = try String(contentsOf: alertsDir.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                result.append(try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]))
            }
        }
        return result
    }

    /// Waits (polling, at most `timeout` seconds) until the alerts satisfy `predicate`; returns whether they did.
    func waitForAlerts(timeout: TimeInterval, _ predicate: ([[String: Any]]) -> Bool) async -> Bool {
        await Service.poll(timeout: timeout) { predicate((try? self.alerts()) ?? []) }
    }
}

/// Small helpers for the service tests.
enum Service {
    /// Polls `condition` every 20 ms until it holds or `timeout` seconds pass; returns whether it held.
    static func poll(timeout: TimeInterval, _ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if condition() { return true }
            guard Date() < deadline else { return false }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
    }

    /// Runs blocking work (a socket read with a timeout, a child process) on a Dispatch thread: the tests share the
    /// cooperative pool (two threads here) with every other suite, and must never hold it for seconds.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// ``blocking(_:)`` for work that cannot fail.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: body()) }
        }
    }

    /// One `sd_notify` datagram as its `KEY=value` fields.
    static func fields(_ message: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in message.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            out[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return out
    }

    /// CLOCK_MONOTONIC in microseconds, as systemd and `MONOTONIC_USEC` count.
    static func monotonicMicroseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1000
    }

    /// The stderr lines of a process.
    static func lines(_ text: String) -> [Substring] {
        text.split(separator: "\n", omittingEmptySubsequences: true)
    }
}

extension NotifySocketListener {
    /// Datagrams until one satisfies `predicate` (included), `nil` on timeout — off the cooperative pool.
    func next(until predicate: @escaping @Sendable (String) -> Bool, timeout: TimeInterval) async -> [String]? {
        await Service.blocking { self.receive(until: predicate, timeout: timeout) }
    }

    /// Every datagram arriving within `duration` seconds — off the cooperative pool.
    func all(for duration: TimeInterval) async -> [String] {
        await Service.blocking { self.receiveAll(for: duration) }
    }
}
