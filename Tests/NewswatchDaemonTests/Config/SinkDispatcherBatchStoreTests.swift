import Foundation
import NewswatchAlerts
import NewswatchCore
import NewswatchStore
import NewswatchTestSupport
import Prometheus
import Testing

@testable import NewswatchDaemon

/// Topic batches (CONTRACT §10) through the dispatcher and the daemon's `WatchedStore`, with an injected metrics
/// registry: a failed batch is recorded in one store write, and a batched alert's delivery is timed like any other.
@Suite(.timeLimit(.minutes(3)))
struct SinkDispatcherBatchStoreTests {
    private struct Setup {
        let fixture: SinkDispatcherTests.Fixture
        let registry = PrometheusCollectorRegistry()
        let dispatcher: SinkDispatcher

        init(_ url: String) throws {
            fixture = try SinkDispatcherTests.Fixture()
            var store = WatchedStore(fixture.store, progress: StoreProgress())
            store.metrics = NewswatchMetrics(factory: PrometheusMetricsFactory.newswatch(registry: registry))
            let sinks = try ConfiguredSink.make(
                from: [SinkDispatcherTests.webhook(url)], transport: fixture.transport,
                logger: SinkDispatcherTests.logger)
            dispatcher = SinkDispatcher(
                sinks: sinks,
                fileSink: FileAlertSink(outputDirectory: fixture.dir.url, timeZone: .gmt, store: fixture.store),
                store: store, clock: SystemClock(), logger: SinkDispatcherTests.logger)
        }

        /// Ingests the Israel stories (a batched topic) at `time`, straight into the SQLite store.
        func ingest(_ titles: [String], at time: Date) throws {
            let batch = IngestBatch(
                feed: FeedDescriptor(key: "https://f.example/rss", name: "Example World", url: "https://f.example/rss"),
                fetchedAt: time, httpStatus: 200, bodyHash: nil,
                items: titles.map {
                    ParsedItem(
                        id: $0, title: $0, link: "https://f.example/\($0.replacingOccurrences(of: " ", with: "-"))",
                        published: time, summary: "About \($0).")
                },
                topics: SinkDispatcherBatchTests.topics, sinks: dispatcher.routes, backfill: 6 * 3600,
                matcher: SinkDispatcherTests.matcher)
            _ = try fixture.store.ingest(batch)
        }

        /// The sum of every `name` sample in the registry's exposition.
        func sample(_ name: String) -> Double {
            registry.emitToString().split(separator: "\n")
                .filter { $0.hasPrefix(name + " ") || $0.hasPrefix(name + "{") }
                .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
                .reduce(0, +)
        }
    }

    @Test func aFailedBatchIsRecordedFailedInOneWrite() async throws {
        let server = try LoopbackHTTPServer.start { _ in .status(500) }
        defer { server.stop() }
        let setup = try Setup(server.url("/hook"))
        defer { setup.fixture.remove() }
        let id = setup.dispatcher.sinks[0].id
        let t0 = SinkDispatcherTests.t0
        try setup.ingest(["Israel vote", "Israel coalition", "Israel budget"], at: t0.addingTimeInterval(60))

        let failed = await setup.dispatcher.drainSinks(at: t0.addingTimeInterval(910))[id]
        #expect(failed?.failed == 3 && failed?.attempts == 1)
        #expect(server.requests.count == 1)
        // One transaction for the whole batch: a kill in the middle cannot split it.
        #expect(setup.sample("newswatch_store_write_seconds_count") == 1)
        #expect(setup.sample("newswatch_sink_deliveries_total") == 3)
        let rows = try setup.fixture.store.releasedDeliveries(
            sink: id, at: t0.addingTimeInterval(86_400), attemptsDue: false, limit: 10)
        #expect(rows.count == 3 && rows.allSatisfy { $0.attempts == 1 })
    }

    @Test func aBatchedAlertsDeliveryIsTimed() async throws {
        let server = try LoopbackHTTPServer.start(routes: ["/hook": .ok("ok")])
        defer { server.stop() }
        let setup = try Setup(server.url("/hook"))
        defer { setup.fixture.remove() }
        let id = setup.dispatcher.sinks[0].id
        let t0 = SinkDispatcherTests.t0
        try setup.ingest(["Israel vote", "Israel coalition"], at: t0.addingTimeInterval(60))

        let sent = await setup.dispatcher.drainSinks(at: t0.addingTimeInterval(910))[id]
        #expect(sent?.delivered == 2 && sent?.attempts == 1)
        #expect(setup.sample("newswatch_alert_delivery_seconds_count") == 2)
        // Written at 12:01, delivered at 12:15:10 (the period's end and the grace): 850 s each.
        #expect(setup.sample("newswatch_alert_delivery_seconds_sum") == 1700)
    }

    @Test func aRowCommittedJustAfterItsPeriodEndedJoinsTheBatch() async throws {
        let server = try LoopbackHTTPServer.start(routes: ["/hook": .ok("ok")])
        defer { server.stop() }
        let setup = try Setup(server.url("/hook"))
        defer { setup.fixture.remove() }
        let id = setup.dispatcher.sinks[0].id
        let t0 = SinkDispatcherTests.t0
        try setup.ingest(["Israel vote"], at: t0.addingTimeInterval(60))

        // 12:15:00: the batch waits out the grace; a poll fetched at 12:14:59 commits now, into the same period.
        #expect(await setup.dispatcher.drainSinks(at: t0.addingTimeInterval(900))[id]?.attempts == 0)
        try setup.ingest(["Israel coalition"], at: t0.addingTimeInterval(899))
        let due = try #require(await setup.dispatcher.nextWake(sink: id, after: t0.addingTimeInterval(900)))
        #expect(due == t0.addingTimeInterval(910))
        let sent = await setup.dispatcher.drainSinks(at: due)[id]
        #expect(sent?.delivered == 2 && sent?.attempts == 1)
        #expect(server.requests.count == 1)
        let body = try #require(server.requests.first?.bodyText)
        #expect(body.contains("Israel vote") && body.contains("Israel coalition"))
    }

    @Test func aRowCommittedAfterItsBatchWentIsAFurtherBatchWithItsOwnID() async throws {
        let server = try LoopbackHTTPServer.start(routes: ["/hook": .ok("ok")])
        defer { server.stop() }
        let setup = try Setup(server.url("/hook"))
        defer { setup.fixture.remove() }
        let id = setup.dispatcher.sinks[0].id
        let t0 = SinkDispatcherTests.t0
        try setup.ingest(["Israel vote"], at: t0.addingTimeInterval(60))
        #expect(await setup.dispatcher.drainSinks(at: t0.addingTimeInterval(910))[id]?.delivered == 1)
        // A poll that fetched at 12:14:59 and committed after the batch went: its row belongs to the same period.
        try setup.ingest(["Israel coalition"], at: t0.addingTimeInterval(899))
        #expect(await setup.dispatcher.drainSinks(at: t0.addingTimeInterval(920))[id]?.delivered == 1)

        #expect(server.requests.count == 2)
        let ids = server.requests.compactMap { $0.header("X-Newswatch-Batch-ID") }
        #expect(ids.count == 2 && ids[0] != ids[1], "\(ids)")
        #expect(server.requests.allSatisfy { $0.bodyText.contains("\"period_end\":\"2026-11-24T12:15:00Z\"") })
        #expect(server.requests[1].bodyText.contains("Israel coalition"))
    }
}
