import Foundation
import Logging
import NewswatchAlerts
import NewswatchConfig
import NewswatchCore
import NewswatchStore
import NewswatchTestSupport
import Testing

@testable import NewswatchDaemon

/// One operator check after another with the clock passed in: a real store, the real libcurl transport against a
/// loopback receiver, the events file (CONTRACT §10).
@Suite(.timeLimit(.minutes(2)))
struct OperatorWatchTests {
    static let t0 = Timestamp.date(year: 2026, month: 11, day: 24, hour: 12)
    static let logger = Logger(label: "newswatch.test.events")
    static let feed = FeedDescriptor(key: "https://wire.example/rss", name: "Wire", url: "https://wire.example/rss")

    static func at(minutes: Double) -> Date { t0.addingTimeInterval(minutes * 60) }

    @Test func aDeadFeedRaisesOneFeedDownThenOneFeedRecoveredOnlyToTheSinkThatAskedAcrossRestarts() async throws {
        let world = try World()
        defer { world.close() }
        let (store, server, config, sinks) = (world.store, world.server, world.config, world.sinks)
        func check(_ minutes: Double) async { _ = await world.check(minutes) }

        try store.syncFeeds([Self.feed], at: Self.t0)
        try store.recordNoChange(
            NoChangeRecord(key: Self.feed.key, at: Self.t0, reason: .notModified, httpStatus: 304))
        for m in stride(from: 10.0, through: 70, by: 10) {
            try store.recordFailure(
                FeedFailure(key: Self.feed.key, at: Self.at(minutes: m), kind: "http", message: "HTTP 500"))
            await check(m)
        }
        await check(75)
        try store.recordNoChange(
            NoChangeRecord(key: Self.feed.key, at: Self.at(minutes: 80), reason: .notModified, httpStatus: 304))
        await check(80)
        await check(90)

        let lines = String(
            decoding: try Data(contentsOf: world.dir.url.appendingPathComponent("events/2026-11-24.jsonl")),
            as: UTF8.self
        ).replacing(#/"id":"[0-9a-f]{32}",/#, with: "")
        #expect(
            lines == """
                {"kind":"feed_down","feed":"Wire","url":"https://wire.example/rss","since":"2026-11-24T12:00:00Z","error":"HTTP 500"}
                {"kind":"feed_recovered","feed":"Wire","url":"https://wire.example/rss","since":"2026-11-24T12:00:00Z","error":null}

                """)
        #expect(server.requests(for: "/ops").count == 2)
        #expect(server.requests(for: "/alerts").isEmpty, "a sink without events gets none")

        // A restart (a fresh watch on the same store) raises nothing again.
        let again = OperatorWatch(store: store, logger: Self.logger)
        _ = await again.check(config: config, sinks: sinks, alertRoutes: [.file], now: Self.at(minutes: 95))
        #expect(server.requests(for: "/ops").count == 2)
    }

    @Test func aSinkWhoseOldestOwedAlertFailedForFeedDownAfterRaisesOneSinkFailing() async throws {
        let world = try World()
        defer { world.close() }
        let (store, server, sinks) = (world.store, world.server, world.sinks)
        func check(_ minutes: Double) async { _ = await world.check(minutes) }
        let topic = TopicDefinition(id: "gaza", name: "Gaza", query: "gaza")
        let alerts = sinks[1].id
        let item = ParsedItem(id: "1", title: "Gaza talks", link: "https://wire.example/1", published: Self.t0)
        let alert = try #require(
            try await store.ingest(
                IngestBatch(
                    feed: Self.feed, fetchedAt: Self.t0, httpStatus: 200, bodyHash: nil, items: [item],
                    topics: [topic], sinks: [.file, SinkRoute(id: alerts)], backfill: 3600,
                    matcher: { _ in [TopicMatch(topicID: "gaza", terms: [MatchedTerm(term: "gaza", field: .title)])] })
            ).alerts.first)
        try store.markFailed(
            alertID: alert.id, sink: alerts, at: Self.at(minutes: 1), error: "HTTP 503",
            nextAttempt: Self.at(minutes: 2), giveUpAfter: 86400)
        await check(30)
        #expect(server.requests(for: "/ops").isEmpty, "failing for less than feed_down_after")
        await check(61)
        await check(70)
        try store.markDelivered(alertIDs: [alert.id], sink: alerts, at: Self.at(minutes: 75))
        await check(80)
        let bodies = server.requests(for: "/ops").map(\.bodyText)
        try #require(bodies.count == 1, "\(bodies)")
        #expect(bodies[0].contains(#","kind":"sink_failing","feed":"webhook"#))
        #expect(bodies[0].hasSuffix(#""url":null,"since":"2026-11-24T12:00:00Z","error":"HTTP 503"}"#))
        #expect(try store.openIncidents().isEmpty, "the incident ends once the sink has caught up")
    }

    @Test func aSurgeRaisesASpikeAlertAndTheCheckRunsAtMostOnceAMinute() async throws {
        let world = try World()
        defer { world.close() }
        var config = world.config
        var topic = TopicDefinition(id: "gaza", name: "Gaza", query: "gaza")
        topic.rules = TopicAlertRules(spikeFactor: 3, spikeMinItems: 5)
        config.topics = [topic]
        let matcher: @Sendable (ParsedItem) -> [TopicMatch] = { _ in
            [TopicMatch(topicID: "gaza", terms: [MatchedTerm(term: "gaza", field: .title)])]
        }
        func ingest(_ n: Int, at time: Date) throws {
            let items = (0..<n).map {
                ParsedItem(id: "\(time)-\($0)", title: "Gaza item \($0) at \(time)", link: nil, published: time)
            }
            _ = try world.store.ingest(
                IngestBatch(
                    feed: Self.feed, fetchedAt: time, httpStatus: 200, bodyHash: nil, items: items, topics: [],
                    sinks: [.file], backfill: 86400, matcher: matcher))
        }
        try ingest(0, at: Self.at(minutes: -120))
        try ingest(4, at: Self.at(minutes: -10))
        func check(_ minutes: Double) async -> Bool { await world.check(minutes, config: config) }
        #expect(await check(0) == false, "4 items: below spike_min_items")
        try ingest(1, at: Self.at(minutes: -5))
        #expect(await check(0.5) == false, "checked less than a minute ago")
        #expect(await check(1), "5 items against a baseline of 0")
        let owed = try world.store.pendingDeliveries(sink: "file", dueAt: nil, limit: 10).map(\.alert)
        #expect(owed.map(\.kind) == [.spike])
        #expect(owed.first?.extra.itemsLastHour == 5)
        #expect(await check(2) == false, "at most one spike per topic in 6 hours")
    }

    @Test func aSilentFeedDownAgainAfterItsRecoveryRaisesASecondFeedDown() async throws {
        let world = try World()
        defer { world.close() }
        // Fetched fine four days ago and now, never a new item: silent at a 10-minute interval, not at a daily one.
        _ = try await world.store.ingest(
            IngestBatch(
                feed: Self.feed, fetchedAt: Self.at(minutes: -4 * 1440), httpStatus: 200, bodyHash: nil, items: [],
                topics: [], sinks: [.file], backfill: 3600, matcher: { _ in [] }))
        try world.store.recordNoChange(
            NoChangeRecord(key: Self.feed.key, at: Self.t0, reason: .notModified, httpStatus: 304))
        var often = world.config
        often.daemon.interval = ConfigDuration(seconds: 600)
        var daily = world.config
        daily.daemon.interval = ConfigDuration(seconds: 86_400)
        // A reload to a daily interval and back: down, recovered, down again with the same `since`.
        await world.check(1, config: often)
        await world.check(2, config: daily)
        await world.check(3, config: often)

        let file = try Data(contentsOf: world.dir.url.appendingPathComponent("events/2026-11-24.jsonl"))
        let kinds = file.split(separator: UInt8(ascii: "\n")).map {
            (try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any])?["kind"] as? String
        }
        #expect(kinds == ["feed_down", "feed_recovered", "feed_down"])
        #expect(world.server.requests(for: "/ops").count == 3)
        #expect(try world.store.openIncidents() == ["feed:" + Self.feed.key: Self.at(minutes: -4 * 1440)])
    }

    /// `n` feeds that last succeeded at t0 and failed at `failedAt` minutes.
    static func feedsDown(_ n: Int, in world: World, failedAt minutes: Double) throws -> [FeedDescriptor] {
        let feeds = (1...n).map {
            FeedDescriptor(
                key: "https://wire\($0).example/rss", name: "Wire \($0)", url: "https://wire\($0).example/rss")
        }
        try world.store.syncFeeds(feeds, at: Self.t0)
        for feed in feeds {
            try world.store.recordNoChange(
                NoChangeRecord(key: feed.key, at: Self.t0, reason: .notModified, httpStatus: 304))
            try world.store.recordFailure(
                FeedFailure(key: feed.key, at: Self.at(minutes: minutes), kind: "http", message: "HTTP 500"))
        }
        return feeds
    }

    /// Whether `condition` holds within `limit`, polling.
    static func within(_ limit: Duration, _ condition: () -> Bool) async -> Bool {
        let end = ContinuousClock.now + limit
        while ContinuousClock.now < end {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }

    @Test func aSinkThatNeverAnswersHoldsUpNeitherTheChecksNorTheOtherSink() async throws {
        let world = try World(first: ["/hang"])
        defer { world.close() }
        let feed = try Self.feedsDown(1, in: world, failedAt: 70)[0]
        let start = ContinuousClock.now
        await world.check(70, sending: .inBackground)
        #expect(await Self.within(.seconds(10)) { world.server.requests(for: "/ops").count == 1 })
        try world.store.recordNoChange(
            NoChangeRecord(key: feed.key, at: Self.at(minutes: 80), reason: .notModified, httpStatus: 304))
        await world.check(80, sending: .inBackground)
        #expect(await Self.within(.seconds(10)) { world.server.requests(for: "/ops").count == 2 })
        #expect(ContinuousClock.now - start < .seconds(20), "a webhook waits up to 30 s for an answer")
        #expect(world.server.requests(for: "/hang").count == 1, "one pass per sink at a time")
    }

    @Test func aSinksPassStopsAtItsFirstFailure() async throws {
        let world = try World(first: ["/fail"])
        defer { world.close() }
        _ = try Self.feedsDown(3, in: world, failedAt: 70)
        await world.check(70)
        #expect(world.server.requests(for: "/ops").count == 3)
        #expect(world.server.requests(for: "/fail").count == 1, "the other events are not tried after a failure")
        let owed = try world.store.pendingEvents(sink: world.sinks[0].id, dueAt: nil, limit: 10)
        #expect(owed.map(\.attempts) == [1, 1, 1])
    }

    @Test func runOnceWaitsForAHangingSinkNoLongerThanItsDeadline() async throws {
        let world = try World(first: ["/hang"])
        defer { world.close() }
        _ = try Self.feedsDown(2, in: world, failedAt: 70)
        let start = ContinuousClock.now
        await world.check(70, sending: .awaited(deadline: .now + .seconds(2)))
        #expect(ContinuousClock.now - start < .seconds(15), "a webhook waits up to 30 s for an answer")
        #expect(world.server.requests(for: "/ops").count == 2)
        let owed = try world.store.pendingEvents(sink: world.sinks[0].id, dueAt: nil, limit: 10)
        #expect(owed.map(\.attempts) == [1, 1], "failed at the deadline, retried later")
    }

    /// A store in a temp dir, a loopback receiver, an events-only sink `/ops` (every kind), an alerts sink `/alerts`
    /// without events, and the watch under test.
    final class World: Sendable {
        let dir: TemporaryDirectory
        let server: LoopbackHTTPServer
        let store: SQLiteStore
        let config: NewswatchConfig
        let sinks: [ConfiguredSink]
        let transport: CurlAlertTransport
        let watch: OperatorWatch

        /// `first`: paths of events-only sinks placed before the others; `/hang` never answers, `/fail` answers 500.
        init(first: [String] = []) throws {
            dir = try TemporaryDirectory(prefix: "newswatch-events")
            let server = try LoopbackHTTPServer.start { request in
                switch request.path {
                case "/hang": .hang
                case "/fail": .status(500)
                default: .status(204)
                }
            }
            self.server = server
            store = try SQLiteStore(path: dir.file("state/newswatch.sqlite").path)
            var daemon = DaemonSettings(stateDirectory: dir.url)
            daemon.feedDownAfter = ConfigDuration(seconds: 3600)
            var ops = SinkConfig.Webhook(url: URL(string: server.url("/ops"))!, common: .init(topics: []))
            ops.common.events = [.feedDown, .feedRecovered, .sinkFailing]
            let alerts = SinkConfig.webhook(.init(url: URL(string: server.url("/alerts"))!))
            let extra = first.map { path in
                var sink = SinkConfig.Webhook(url: URL(string: server.url(path))!, common: .init(topics: []))
                sink.common.events = ops.common.events
                return SinkConfig.webhook(sink)
            }
            config = NewswatchConfig(origin: .embedded, daemon: daemon, sinks: extra + [.webhook(ops), alerts])
            transport = try CurlAlertTransport(userAgent: "newswatch-test", connectTimeout: 3)
            sinks = try ConfiguredSink.make(from: config.sinks, transport: transport, logger: OperatorWatchTests.logger)
            watch = OperatorWatch(store: store, logger: OperatorWatchTests.logger)
        }

        /// One check `minutes` after t0 (with `config`, default the world's); whether it created alerts.
        @discardableResult
        func check(
            _ minutes: Double, config: NewswatchConfig? = nil,
            sending: OperatorWatch.Sending = .awaited(deadline: nil)
        ) async -> Bool {
            await watch.check(
                config: config ?? self.config, sinks: sinks, alertRoutes: [.file],
                now: OperatorWatchTests.at(minutes: minutes), sending: sending)
        }

        func close() {
            watch.stop()
            let transport = self.transport
            Task { await transport.shutdown() }
            server.stop()
            dir.remove()
        }
    }
}
