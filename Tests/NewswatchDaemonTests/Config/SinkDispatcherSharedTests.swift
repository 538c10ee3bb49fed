import Foundation
import NewswatchConfig
import NewswatchCore
import NewswatchTestSupport
import Testing

@testable import NewswatchAlerts
@testable import NewswatchDaemon
@testable import NewswatchStore

/// Sinks of two daemons on one PostgreSQL database (CONTRACT §9, §10): two stores with their own claims, two
/// dispatchers, real libcurl and real SMTP/HTTP servers on loopback; times injected.
@Suite(.timeLimit(.minutes(3)))
struct SinkDispatcherSharedTests {
    typealias T = SinkDispatcherTests

    /// Two daemons' stores (claims for `daemon-a` and `daemon-b`, `lease` seconds) on one fresh database.
    final class Pair: @unchecked Sendable {
        let dir: TemporaryDirectory
        let stores: [PostgresStore]
        let transport: CurlAlertTransport

        init(lease: TimeInterval) async throws {
            dir = try TemporaryDirectory(prefix: "newswatch-shared-sinks")
            let url = try PostgresCluster.makeDatabase()
            var stores: [PostgresStore] = []
            for owner in ["daemon-a", "daemon-b"] {
                stores.append(
                    try await PostgresStore(
                        location: PostgresLocation(url: url), claims: DeliveryClaims(owner: owner, lease: lease)))
            }
            self.stores = stores
            transport = try CurlAlertTransport(userAgent: "newswatch-test", connectTimeout: 3)
        }

        /// One dispatcher per daemon, each writing its own `output_dir`.
        func dispatchers(_ configs: [SinkConfig]) throws -> [SinkDispatcher] {
            try stores.enumerated().map { i, store in
                let sinks = try ConfiguredSink.make(from: configs, transport: transport, logger: T.logger)
                return SinkDispatcher(
                    sinks: sinks,
                    fileSink: FileAlertSink(outputDirectory: dir.file("out-\(i)"), timeZone: .gmt, store: store),
                    store: store, logger: T.logger)
            }
        }

        /// Ingests one item per title at `time` through daemon A's store; returns the alerts.
        @discardableResult
        func ingest(_ titles: [String], at time: Date, routes: [SinkRoute]) async throws -> [Alert] {
            let feed = FeedDescriptor(key: "https://f.example/rss", name: "Example World", url: "https://f.example/rss")
            try await stores[0].syncFeeds([feed], at: time)
            let batch = IngestBatch(
                feed: feed, fetchedAt: time, httpStatus: 200, bodyHash: nil,
                items: titles.map {
                    ParsedItem(
                        id: $0, title: $0, link: "https://f.example/\($0.replacingOccurrences(of: " ", with: "-"))",
                        published: time, summary: "About \($0).")
                },
                topics: T.topics, sinks: routes, backfill: 6 * 3600, matcher: T.matcher)
            return try await stores[0].ingest(batch).alerts
        }

        func pending(_ sink: String) async throws -> Int {
            try await stores[0].sinkSummaries().first { $0.sink == sink }?.pending ?? 0
        }

        func close() async {
            for store in stores { await store.close() }
            await transport.shutdown()
            dir.remove()
        }
    }

    @Test func anEmailBatchLongerThanTheLeaseIsSentOnceByOneDaemon() async throws {
        let pair = try await Pair(lease: 10)
        let server = try LoopbackSMTPServer.start()
        defer { server.stop() }
        // A 60-second batch window, six times the 10-second lease.
        let dispatchers = try pair.dispatchers([
            SinkDispatcherEmailTests.email(server, batch: ConfigDuration(seconds: 60))
        ])
        let id = dispatchers[0].sinks[0].id
        let alerts = try await pair.ingest(
            ["Gaza one", "Gaza two", "Israel three"], at: T.t0, routes: dispatchers[0].routes)
        // Both daemons look at the outbox while the window is open: A first, then — after a claim taken at the start
        // would have expired — B first.
        for (offset, order) in [(0.0, dispatchers), (30.0, dispatchers.reversed())] {
            for dispatcher in order { _ = await dispatcher.drainSinks(at: T.t0.addingTimeInterval(offset)) }
        }
        #expect(server.messages.isEmpty)
        #expect(try await pair.pending(id) == 3)
        // Both windows end; both daemons drain at the same moment, then again later.
        for offset: TimeInterval in [60, 90, 120] {
            await withTaskGroup(of: Void.self) { group in
                for dispatcher in dispatchers {
                    group.addTask { _ = await dispatcher.drainSinks(at: T.t0.addingTimeInterval(offset)) }
                }
            }
        }
        let messages = try #require(server.waitForMessages(1))
        try await Task.sleep(for: .milliseconds(300))  // a second message, if any, has arrived by now
        #expect(server.messages.count == 1)
        for alert in alerts { #expect(messages[0].text.contains(alert.title!)) }
        #expect(try await pair.pending(id) == 0)
        await pair.close()
    }

    @Test func maxPerHourHoldsForBothDaemonsTogether() async throws {
        let pair = try await Pair(lease: 120)
        let server = try LoopbackHTTPServer.start(routes: ["/hook": .ok("ok")])
        defer { server.stop() }
        let dispatchers = try pair.dispatchers([T.webhook(server.url("/hook"), maxPerHour: 2)])
        let id = dispatchers[0].sinks[0].id
        try await pair.ingest(["Gaza one", "Gaza two"], at: T.t0, routes: dispatchers[0].routes)
        #expect(await dispatchers[0].drainSinks(at: T.t0)[id]?.delivered == 2)
        // Ten minutes later daemon B gets the next two: the hour already holds two for this sink and topic.
        let later = T.t0.addingTimeInterval(600)
        try await pair.ingest(["Gaza three", "Gaza four", "Israel five"], at: later, routes: dispatchers[0].routes)
        let result = try #require(await dispatchers[1].drainSinks(at: later)[id])
        #expect(result.heldBack == 2)
        #expect(result.delivered == 1)  // the limit is per topic
        #expect(server.requests.count == 3)
        #expect(try await pair.pending(id) == 0)
        // The topic is held for the sink for an hour from the trip (at +600 s), for both daemons: A holds back too.
        let hourOn = T.t0.addingTimeInterval(3601)
        try await pair.ingest(["Gaza six"], at: hourOn, routes: dispatchers[0].routes)
        #expect(await dispatchers[0].drainSinks(at: hourOn)[id]?.heldBack == 1)
        // When the hold ends both daemons drain at once: ONE summary of the three held back, whoever held them.
        let holdOver = T.t0.addingTimeInterval(600 + 3600)
        let summaries = await withTaskGroup(of: Int.self) { group in
            for dispatcher in dispatchers {
                group.addTask { await dispatcher.drainSinks(at: holdOver)[id]?.summaries ?? 0 }
            }
            return await group.reduce(0, +)
        }
        #expect(summaries == 1)
        let texts = server.requests.map(\.bodyText).filter { $0.contains("held back") }
        #expect(texts.count == 1 && texts[0].contains("3 more alerts"), "\(texts)")
        // Afterwards the topic starts afresh.
        try await pair.ingest(["Gaza seven"], at: holdOver.addingTimeInterval(1), routes: dispatchers[0].routes)
        #expect(await dispatchers[1].drainSinks(at: holdOver.addingTimeInterval(1))[id]?.delivered == 1)
        #expect(await dispatchers[0].drainSinks(at: holdOver.addingTimeInterval(60))[id]?.summaries == 0)
        await pair.close()
    }

    /// A backlog goes out a page at a time: a daemon never holds claims on more than one page of unsent rows, so
    /// none of its claims can run out while it works through a long backlog (another daemon would send that row too).
    @Test func aBacklogIsClaimedOnePageAtATime() async throws {
        let pair = try await Pair(lease: 120)
        let server = try LoopbackHTTPServer.start { _ in
            Thread.sleep(forTimeInterval: 0.02)
            return .ok("ok")
        }
        defer { server.stop() }
        let dispatchers = try pair.dispatchers([T.webhook(server.url("/hook"))])
        let id = dispatchers[0].sinks[0].id
        try await pair.ingest((1...70).map { "Gaza report \($0)" }, at: T.t0, routes: dispatchers[0].routes)
        let draining = Task { await dispatchers[0].drainSinks(at: T.t0)[id] }
        var most = 0
        while server.requests.count < 70 {
            let rows = try await pair.stores[1].rows(
                """
                SELECT count(*) FROM deliveries
                WHERE sink = \(id) AND state = 0 AND claim_owner = 'daemon-a'
                """, "held")
            most = max(most, try rows[0].decode(Int.self))
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(await draining.value?.delivered == 70)
        #expect(most > 0 && most <= SinkWorker.defaultPageSize, "daemon A held \(most) claims at once")
        #expect(server.requests.count == 70)
        await pair.close()
    }

    /// Two daemons writing one `output_dir` (CONTRACT §9): a line another daemon wrote but never marked (it died) is
    /// not written again when its claim runs out and this daemon takes the alert, even though this daemon completed
    /// a drain of its own in between (review 11: the file sink once forgot the ids it had read from the file then).
    @Test func aLineAnotherDaemonWroteButNeverMarkedIsNotWrittenAgain() async throws {
        let pair = try await Pair(lease: 1)
        let out = pair.dir.file("out-shared")
        let sinks = pair.stores.map { FileAlertSink(outputDirectory: out, timeZone: .gmt, store: $0) }
        let x = try await pair.ingest(["Gaza one"], at: T.t0, routes: [.file])
        // Daemon B claims X, writes and fsyncs its line, and dies before it marks it.
        let taken = try await pair.stores[1].pendingDeliveries(sink: FileAlertSink.sinkID, dueAt: nil, limit: 10)
        #expect(taken.map(\.alert.id) == x.map(\.id))
        let alerts = out.appendingPathComponent("alerts")
        try FileManager.default.createDirectory(at: alerts, withIntermediateDirectories: true)
        try Data((x[0].json.compact + "\n").utf8).write(
            to: alerts.appendingPathComponent(sinks[0].fileName(for: x[0].detected)))
        // Daemon A drains a later alert while B's claim holds X: it reads the file and writes only its own.
        let y = try await pair.ingest(["Gaza two"], at: T.t0.addingTimeInterval(60), routes: [.file])
        #expect(try await sinks[0].drain(at: T.t0.addingTimeInterval(60)) == y)
        // B's claim runs out and A takes X: it finds the line and only marks it.
        try await Task.sleep(for: .milliseconds(1500))
        #expect(try await sinks[0].drain(at: T.t0.addingTimeInterval(120)).isEmpty)
        #expect(try await pair.pending(FileAlertSink.sinkID) == 0)
        var lines: [String] = []
        for name in Set((x + y).map { sinks[0].fileName(for: $0.detected) }).sorted() {
            let text = try String(contentsOf: alerts.appendingPathComponent(name), encoding: .utf8)
            lines += text.split(separator: "\n").map(String.init)
        }
        #expect(lines == (x + y).map(\.json.compact))
        await pair.close()
    }

    /// A row of a claimed page whose claim ran out and that another daemon took meanwhile is left to it: the claim is
    /// renewed just before each send, not trusted from the page read.
    @Test func aRowAnotherDaemonTookMeanwhileIsNotSentAgain() async throws {
        let pair = try await Pair(lease: 10)
        let firstRequest = DispatchSemaphore(value: 0)
        let goOn = DispatchSemaphore(value: 0)
        let server = try LoopbackHTTPServer.start { request in
            if request.bodyText.contains("Gaza one") {
                firstRequest.signal()
                _ = goOn.wait(timeout: .now() + 20)
            }
            return .ok("ok")
        }
        defer { server.stop() }
        let dispatchers = try pair.dispatchers([T.webhook(server.url("/hook"))])
        let id = dispatchers[0].sinks[0].id
        try await pair.ingest(["Gaza one", "Gaza two", "Gaza three"], at: T.t0, routes: dispatchers[0].routes)
        let draining = Task { await dispatchers[0].drainSinks(at: T.t0)[id] }
        // While A sends the first, B — whose clock says A's claims have run out — takes the other two.
        await Task.detached { firstRequest.wait() }.value
        let taken = try await pair.stores[1].claimDeliveries(
            sink: id, owner: "daemon-b", now: T.t0.addingTimeInterval(30), lease: 10, limit: 10)
        // (The row being sent too: by B's clock its claim ran out — a lease shorter than a send, which README warns of.)
        #expect(taken.map(\.alert.title) == ["Gaza one", "Gaza two", "Gaza three"])
        goOn.signal()
        #expect(await draining.value?.delivered == 1)
        #expect(server.requests.count == 1)
        #expect(try await pair.pending(id) == 2)  // B's to send
        await pair.close()
    }
}
