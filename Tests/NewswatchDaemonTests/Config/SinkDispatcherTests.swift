import Foundation
import Logging
import NewswatchAlerts
import NewswatchConfig
import NewswatchCore
import NewswatchStore
import NewswatchSystem
import NewswatchTestSupport
import Testing

@testable import NewswatchDaemon

/// The dispatcher end to end: a real store filled through `SQLiteStore.ingest`, the real libcurl transport against
/// loopback servers, real exec commands; times injected (`drainSinks(at:)`), never waited for.
@Suite(.timeLimit(.minutes(3)))
struct SinkDispatcherTests {
    /// 2026-11-24T12:00:00Z.
    static let t0 = Timestamp.date(year: 2026, month: 11, day: 24, hour: 12)
    static let topics = [
        TopicDefinition(id: "gaza", name: "Gaza war", query: "gaza", priority: .high),
        TopicDefinition(id: "israel", name: "Israel", query: "israel"),
    ]
    static let matcher: @Sendable (ParsedItem) -> [TopicMatch] = { item in
        let title = item.title ?? ""
        return topics.compactMap { topic in
            title.lowercased().contains(topic.query)
                ? TopicMatch(topicID: topic.id, terms: [MatchedTerm(term: topic.query, field: .title)]) : nil
        }
    }
    static let logger = Logger(label: "newswatch.test.sinks")

    /// A store in a temp dir and the pieces a dispatcher needs.
    final class Fixture: @unchecked Sendable {
        let dir: TemporaryDirectory
        let store: SQLiteStore
        let transport: CurlAlertTransport
        init() throws {
            dir = try TemporaryDirectory(prefix: "newswatch-sinks")
            store = try SQLiteStore(path: dir.file("state/newswatch.sqlite").path)
            transport = try CurlAlertTransport(userAgent: "newswatch-test", connectTimeout: 3)
        }

        func dispatcher(_ configs: [SinkConfig], clock: any NewswatchClock = SystemClock()) throws -> SinkDispatcher {
            let sinks = try ConfiguredSink.make(from: configs, transport: transport, logger: logger)
            return dispatcher(sinks, clock: clock)
        }

        func dispatcher(
            _ sinks: [ConfiguredSink], clock: any NewswatchClock = SystemClock(),
            deliveries: [String: TopicDelivery] = [:]
        ) -> SinkDispatcher {
            SinkDispatcher(
                sinks: sinks, fileSink: FileAlertSink(outputDirectory: dir.url, timeZone: .gmt, store: store),
                store: store, clock: clock, deliveries: deliveries, logger: logger)
        }

        /// Ingests one item per title at `time` (published then) into the feed; returns the alerts.
        @discardableResult
        func ingest(_ titles: [String], at time: Date, routes: [SinkRoute]) throws -> [Alert] {
            let batch = IngestBatch(
                feed: FeedDescriptor(key: "https://f.example/rss", name: "Example World", url: "https://f.example/rss"),
                fetchedAt: time, httpStatus: 200, bodyHash: nil,
                items: titles.map {
                    ParsedItem(
                        id: $0, title: $0, link: "https://f.example/\($0.replacingOccurrences(of: " ", with: "-"))",
                        published: time, summary: "About \($0).")
                },
                topics: SinkDispatcherTests.topics, sinks: routes, backfill: 6 * 3600,
                matcher: SinkDispatcherTests.matcher)
            return try store.ingest(batch).alerts
        }

        func summary(_ sink: String) throws -> SinkSummary {
            try store.sinkSummaries().first { $0.sink == sink } ?? SinkSummary(sink: sink, pending: 0, givenUp: 0)
        }

        func remove() {
            let transport = transport
            Task { await transport.shutdown() }
            dir.remove()
        }
    }

    static func webhook(
        _ url: String, format: SinkConfig.Webhook.Format = .json, secretFile: URL? = nil,
        topics: [String]? = nil, maxPerHour: Int? = nil
    ) -> SinkConfig {
        .webhook(
            .init(
                url: URL(string: url)!, format: format, secretFile: secretFile,
                common: .init(topics: topics, maxPerHour: maxPerHour)))
    }

    /// HMAC-SHA256 by openssl, independent of our implementation.
    static func opensslHMAC(_ body: Data, key: String, dir: TemporaryDirectory) throws -> String {
        let file = dir.file("body.bin")
        try body.write(to: file)
        let process = Process()
        process.executableURL = URL(
            fileURLWithPath: try RequiredTool.path("openssl", install: "apt-get install openssl"))
        process.arguments = ["dgst", "-sha256", "-hmac", key, "-r", file.path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return String(text.prefix { $0 != " " })
    }

    // MARK: Ids and routes

    @Test func sinkIDsAreStableAcrossReorderingAndSettingsAndChangeWithTheTarget() throws {
        let a = Self.webhook("https://hooks.example.org/a", maxPerHour: 5)
        let b = SinkConfig.exec(.init(command: ["/usr/local/bin/notify", "--urgent"]))
        let c = SinkConfig.email(
            .init(url: URL(string: "smtps://mail.example.org")!, from: "n@example.org", to: ["Desk@example.org"]))
        let transport = try CurlAlertTransport()
        let first = try ConfiguredSink.make(from: [a, b, c], transport: transport, logger: Self.logger)
        let second = try ConfiguredSink.make(
            from: [c, Self.webhook("https://hooks.example.org/a", format: .slack, topics: ["gaza"]), b],
            transport: transport, logger: Self.logger)
        #expect(Set(first.map(\.id)) == Set(second.map(\.id)))
        #expect(first[0].id.hasPrefix("webhook:") && first[1].id.hasPrefix("exec:") && first[2].id.hasPrefix("email:"))
        let moved = try ConfiguredSink.make(
            from: [Self.webhook("https://hooks.example.org/b")], transport: transport, logger: Self.logger)
        #expect(moved[0].id != first[0].id)
        // The same webhook twice still gets two outboxes.
        let twice = try ConfiguredSink.make(
            from: [a, Self.webhook("https://hooks.example.org/a", topics: ["gaza"])], transport: transport,
            logger: Self.logger)
        #expect(Set(twice.map(\.id)).count == 2)
        // The second keeps the id it had before review 12 (its `events` names at most one kind), and with it what
        // it is owed; three alike get three ids.
        let again = Self.webhook("https://hooks.example.org/a", topics: ["gaza"])
        #expect(
            twice[1].id
                == ConfiguredSink.stableID(
                    type: "webhook", target: "https://hooks.example.org/a\n" + String(describing: again)))
        #expect(Set(ConfiguredSink.outboxIDs([a, a, a])).count == 3)

        let f = try Fixture()
        defer { f.remove() }
        let dispatcher = f.dispatcher(second)
        #expect(dispatcher.routes.first == .file)
        #expect(dispatcher.routes.dropFirst().map(\.id) == second.map(\.id))
        #expect(dispatcher.routes[2].topics == ["gaza"])
        // Loopback SMTP may go without STARTTLS; anything else must use it.
        #expect(ConfiguredSink.isLoopbackHost("127.0.0.1") && ConfiguredSink.isLoopbackHost("localhost"))
        #expect(!ConfiguredSink.isLoopbackHost("mail.example.org"))
        #expect((second[0].sink as? EmailAlertSink)?.requireTLS == true)
    }

    // MARK: Webhook

    @Test func webhookPostsSignedJSONOnceAndTheFileSinkGetsItToo() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let server = try LoopbackHTTPServer.start(routes: ["/hook": .ok("ok")])
        defer { server.stop() }
        let secretFile = try f.dir.write("webhook.secret", "topsecret\n")
        let dispatcher = try f.dispatcher([Self.webhook(server.url("/hook"), secretFile: secretFile)])
        let alerts = try f.ingest(["Gaza talks resume"], at: Self.t0, routes: dispatcher.routes)
        #expect(alerts.count == 1)

        #expect(try await dispatcher.drainFileSink() == alerts)
        let result = try #require(await dispatcher.drainSinks(at: Self.t0)[dispatcher.sinks[0].id])
        #expect(result.delivered == 1 && result.failed == 0)
        let request = try #require(server.requests.first)
        #expect(server.requests.count == 1)
        #expect(request.method == "POST")
        #expect(request.bodyText == alerts[0].json.compact)
        #expect(request.header("Content-Type") == "application/json; charset=utf-8")
        #expect(request.header("X-Newswatch-Alert-ID") == alerts[0].id)
        let expected = try Self.opensslHMAC(request.body, key: "topsecret", dir: f.dir)
        #expect(expected.count == 64)
        #expect(request.header("X-Newswatch-Signature") == "sha256=" + expected)

        // Delivered means delivered: nothing more on later drains.
        _ = await dispatcher.drainSinks(at: Self.t0.addingTimeInterval(3600))
        #expect(server.requests.count == 1)
        #expect(try f.summary(dispatcher.sinks[0].id).pending == 0)
    }

    @Test func slackWebhookGetsTextWithTitleLinkTopicAndTerms() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let server = try LoopbackHTTPServer.start(routes: ["/hook": .ok("ok")])
        defer { server.stop() }
        let dispatcher = try f.dispatcher([Self.webhook(server.url("/hook"), format: .slack)])
        let alerts = try f.ingest(["Gaza ceasefire holds"], at: Self.t0, routes: dispatcher.routes)
        _ = await dispatcher.drainSinks(at: Self.t0)
        let body = try #require(server.requests.first?.body)
        let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        #expect(object.keys.sorted() == ["text"])
        let text = try #require(object["text"] as? String)
        #expect(text.contains("<\(alerts[0].link!)|Gaza ceasefire holds>"))
        #expect(text.contains("Gaza war"))
        #expect(text.contains("matched: gaza"))
    }

    @Test func aWebhookThatFailsTwiceThenRecoversGetsTheAlertExactlyOnce() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let calls = Counter()
        let server = try LoopbackHTTPServer.start { _ in calls.next() <= 2 ? .status(500) : .ok("ok") }
        defer { server.stop() }
        let dispatcher = try f.dispatcher([Self.webhook(server.url("/hook"))])
        let id = dispatcher.sinks[0].id
        try f.ingest(["Gaza one"], at: Self.t0, routes: dispatcher.routes)

        var now = Self.t0
        let first = await dispatcher.drainSinks(at: now)[id]
        #expect(first?.failed == 1 && first?.delivered == 0)
        // Not due yet: no attempt before the backoff passes.
        _ = await dispatcher.drainSinks(at: now.addingTimeInterval(5))
        #expect(server.requests.count == 1)
        now = try #require(await dispatcher.nextWake(sink: id, after: now))
        #expect(now.timeIntervalSince(Self.t0) == 30)
        #expect(await dispatcher.drainSinks(at: now)[id]?.failed == 1)
        let third = try #require(await dispatcher.nextWake(sink: id, after: now))
        #expect(third.timeIntervalSince(now) == 60)  // the delay grows
        #expect(await dispatcher.drainSinks(at: third)[id]?.delivered == 1)
        #expect(server.requests.count == 3)
        #expect(Set(server.requests.map(\.bodyText)).count == 1)
        _ = await dispatcher.drainSinks(at: third.addingTimeInterval(7200))
        #expect(server.requests.count == 3)
        #expect(try f.summary(id).pending == 0)
        #expect(try f.summary(id).givenUp == 0)
    }

    /// Review 12: the oldest alert, refused for its own content, made every later one count as failed untried, in
    /// every drain until it was given up a day later.
    @Test func oneAlertTheWebhookRefusesDoesNotHoldBackTheOthers() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let server = try LoopbackHTTPServer.start { request in
            request.bodyText.contains("Gaza poison") ? .status(422) : .ok("ok")
        }
        defer { server.stop() }
        let dispatcher = try f.dispatcher([Self.webhook(server.url("/hook"))])
        let id = dispatcher.sinks[0].id
        try f.ingest(["Gaza poison"], at: Self.t0, routes: dispatcher.routes)
        try f.ingest(["Gaza two", "Gaza three"], at: Self.t0.addingTimeInterval(1), routes: dispatcher.routes)
        let first = try #require(await dispatcher.drainSinks(at: Self.t0.addingTimeInterval(2))[id])
        #expect(first.attempts == 3 && first.delivered == 2 && first.failed == 1, "\(first)")
        let others = server.requests.map(\.bodyText).filter { $0.contains("Gaza two") || $0.contains("Gaza three") }
        #expect(others.count == 2)
        #expect(try f.summary(id).pending == 1)
    }

    /// One story matching two topics is two alerts of the same content: both refused is still that story's doing.
    @Test func oneStoryRefusedForTwoTopicsDoesNotHoldBackTheOthers() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let server = try LoopbackHTTPServer.start { request in
            request.bodyText.contains("Gaza and Israel poison") ? .status(422) : .ok("ok")
        }
        defer { server.stop() }
        let dispatcher = try f.dispatcher([Self.webhook(server.url("/hook"))])
        let id = dispatcher.sinks[0].id
        let twice = try f.ingest(["Gaza and Israel poison"], at: Self.t0, routes: dispatcher.routes)
        #expect(twice.count == 2 && Set(twice.map(\.story)).count == 1)
        try f.ingest(["Gaza two"], at: Self.t0.addingTimeInterval(1), routes: dispatcher.routes)
        let result = try #require(await dispatcher.drainSinks(at: Self.t0.addingTimeInterval(2))[id])
        #expect(result.attempts == 3 && result.delivered == 1 && result.failed == 2, "\(result)")
    }

    /// A receiver that refuses everything is failing, not refusing one alert: the second refusal in a row stops the
    /// drain's attempts, as a sink that is down does at the first.
    @Test func aWebhookThatRefusesEveryAlertIsFailingAfterTheSecond() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let server = try LoopbackHTTPServer.start { _ in .status(404) }
        defer { server.stop() }
        let dispatcher = try f.dispatcher([Self.webhook(server.url("/hook"))])
        let id = dispatcher.sinks[0].id
        try f.ingest(["Gaza one", "Gaza two", "Gaza three", "Gaza four"], at: Self.t0, routes: dispatcher.routes)
        let result = try #require(await dispatcher.drainSinks(at: Self.t0)[id])
        #expect(result.attempts == 2 && result.failed == 4 && result.delivered == 0, "\(result)")
        #expect(server.requests.count == 2)
    }

    /// Review 12: a retry kept its backoff through quiet hours, so an outage at 22:59 ended in a lone message in
    /// the night. It waits for their end as the first attempt would have; a `high` topic does not.
    @Test func aRetryThatWouldFallInQuietHoursWaitsForTheirEnd() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let down = Locked(true)
        let server = try LoopbackHTTPServer.start { _ in down.withLock { $0 } ? .status(503) : .ok("ok") }
        defer { server.stop() }
        let quiet = TopicDelivery(quietHours: QuietHours("23:00-06:00"), timeZone: .gmt)
        let sinks = try ConfiguredSink.make(
            from: [Self.webhook(server.url("/hook"))], transport: f.transport, logger: Self.logger)
        let dispatcher = f.dispatcher(sinks, deliveries: ["israel": quiet, "gaza": quiet])
        let id = dispatcher.sinks[0].id
        // 22:59:50, a minute before quiet hours: the first attempt goes, and fails.
        let late = Self.t0.addingTimeInterval(10 * 3600 + 59 * 60 + 50)
        try f.ingest(["Israel votes"], at: late, routes: dispatcher.routes)
        #expect(await dispatcher.drainSinks(at: late)[id]?.failed == 1)
        let morning = Self.t0.addingTimeInterval(18 * 3600)  // 06:00 the next day
        #expect(await dispatcher.nextWake(sink: id, after: late) == morning)
        // A high-priority topic's retry keeps its backoff (30 s).
        try f.ingest(["Gaza late"], at: late.addingTimeInterval(1), routes: dispatcher.routes)
        let high = late.addingTimeInterval(2)
        #expect(await dispatcher.drainSinks(at: high)[id]?.failed == 1)
        #expect(await dispatcher.nextWake(sink: id, after: high) == high.addingTimeInterval(30))
        // The hook is back: the high alert goes at its retry, and the held one still waits for 06:00, though the
        // success makes every other owed delivery due at once.
        down.withLock { $0 = false }
        let retry = high.addingTimeInterval(30)
        #expect(await dispatcher.drainSinks(at: retry)[id]?.delivered == 1)
        #expect(server.requests.filter { $0.bodyText.contains("Israel votes") }.count == 1)  // the 22:59:50 failure
        #expect(await dispatcher.drainSinks(at: morning)[id]?.delivered == 1)
        #expect(server.requests.filter { $0.bodyText.contains("Israel votes") }.count == 2)
        #expect(try f.summary(id).pending == 0)
    }

    @Test func aWebhookThatStaysDownBacksOffAndGivesUpAfter24Hours() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let server = try LoopbackHTTPServer.start { _ in .status(503) }
        defer { server.stop() }
        let dispatcher = try f.dispatcher([Self.webhook(server.url("/hook"))])
        let id = dispatcher.sinks[0].id
        let alerts = try f.ingest(["Gaza one", "Gaza two"], at: Self.t0, routes: dispatcher.routes)
        #expect(alerts.count == 2)

        var now = Self.t0
        var gaps: [TimeInterval] = []
        var givenUp = 0
        for _ in 0..<100 {
            let result = try #require(await dispatcher.drainSinks(at: now)[id])
            // One real attempt per round: the second alert is deferred without hammering the dead hook.
            #expect(result.attempts == 1)
            givenUp += result.givenUp
            if givenUp == 2 { break }
            let next = try #require(await dispatcher.nextWake(sink: id, after: now))
            gaps.append(next.timeIntervalSince(now))
            now = next
        }
        #expect(givenUp == 2)
        #expect(now >= Self.t0.addingTimeInterval(86400))
        #expect(now < Self.t0.addingTimeInterval(86400 + 3600))
        #expect(Array(gaps.prefix(4)) == [30, 60, 120, 240])
        #expect(gaps.allSatisfy { $0 <= 3600 })
        #expect(server.requests.count == gaps.count + 1)
        #expect(try f.summary(id) == SinkSummary(sink: id, pending: 0, givenUp: 2))
        // The file sink never gives up.
        try await dispatcher.drainFileSink()
        #expect(try f.summary("file").pending == 0)
        // Given up is final.
        _ = await dispatcher.drainSinks(at: now.addingTimeInterval(86400))
        #expect(server.requests.count == gaps.count + 1)
    }

    @Test func maxPerHourHoldsBackAndSendsOneSummaryWhenTheHourIsOver() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let server = try LoopbackHTTPServer.start(routes: ["/hook": .ok("ok")])
        defer { server.stop() }
        let dispatcher = try f.dispatcher([Self.webhook(server.url("/hook"), maxPerHour: 2)])
        let id = dispatcher.sinks[0].id
        try f.ingest(
            ["Gaza one", "Gaza two", "Gaza three", "Gaza four", "Israel votes"], at: Self.t0,
            routes: dispatcher.routes)

        let result = try #require(await dispatcher.drainSinks(at: Self.t0)[id])
        #expect(result.delivered == 3)  // two gaza alerts and the israel one: the limit is per topic
        #expect(result.heldBack == 2)
        #expect(try f.summary(id).pending == 0)
        #expect(server.requests.count == 3)
        let wake = try #require(await dispatcher.nextWake(sink: id, after: Self.t0))
        #expect(wake == Self.t0.addingTimeInterval(3600))
        #expect(await dispatcher.drainSinks(at: wake)[id]?.summaries == 1)
        #expect(server.requests.count == 4)
        let summary = try #require(
            try JSONSerialization.jsonObject(with: server.requests[3].body) as? [String: Any])
        #expect(summary["type"] as? String == "rate_limit_summary")
        #expect(summary["topic"] as? String == "gaza")
        #expect(summary["held_back"] as? Int == 2)
        #expect(summary["titles"] as? [String] == ["Gaza three", "Gaza four"])
    }

    /// Review 12: the hold lived in the dispatcher's memory, so a reload (`systemctl reload`, a new dispatcher on the
    /// same state) forgot it: the limit counted afresh and the summary of what was held back was never sent.
    @Test func aHoldAndItsSummaryOutlastAReload() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let server = try LoopbackHTTPServer.start(routes: ["/hook": .ok("ok")])
        defer { server.stop() }
        let config = [Self.webhook(server.url("/hook"), maxPerHour: 2)]
        let before = try f.dispatcher(config)
        let id = before.sinks[0].id
        try f.ingest(["Gaza one", "Gaza two", "Gaza three"], at: Self.t0, routes: before.routes)
        let first = try #require(await before.drainSinks(at: Self.t0)[id])
        #expect(first.delivered == 2 && first.heldBack == 1)

        // Reloaded: the topic is still held for the rest of the hour.
        let after = try f.dispatcher(config)
        let ten = Self.t0.addingTimeInterval(600)
        try f.ingest(["Gaza four"], at: ten, routes: after.routes)
        let second = try #require(await after.drainSinks(at: ten)[id])
        #expect(second.delivered == 0 && second.heldBack == 1, "\(second)")
        #expect(server.requests.count == 2)

        // At the hour's end the one summary names what both held back.
        let end = Self.t0.addingTimeInterval(3600)
        #expect(await after.drainSinks(at: end)[id]?.summaries == 1)
        #expect(server.requests.count == 3)
        let summary = try #require(
            try JSONSerialization.jsonObject(with: server.requests[2].body) as? [String: Any])
        #expect(summary["type"] as? String == "rate_limit_summary" && summary["held_back"] as? Int == 2)
        #expect(summary["titles"] as? [String] == ["Gaza three", "Gaza four"])
        // Sent once: a later drain, or another reload, sends it no more.
        _ = await after.drainSinks(at: end.addingTimeInterval(60))
        _ = try await f.dispatcher(config).drainSinks(at: end.addingTimeInterval(120))
        #expect(server.requests.count == 3)
    }

    /// Review 12: a hold's summary that failed stayed unsummarized in the store, and every drain claimed it again
    /// and queued one more copy; when the sink came back each copy was sent.
    @Test func aSummaryTheSinkFailsIsSentOnceWhenItIsBack() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let down = Locked(false)
        let server = try LoopbackHTTPServer.start { _ in down.withLock { $0 } ? .status(503) : .ok("ok") }
        defer { server.stop() }
        let dispatcher = try f.dispatcher([Self.webhook(server.url("/hook"), maxPerHour: 1)])
        let id = dispatcher.sinks[0].id
        try f.ingest(["Gaza one", "Gaza two"], at: Self.t0, routes: dispatcher.routes)
        #expect(await dispatcher.drainSinks(at: Self.t0)[id]?.heldBack == 1)
        down.withLock { $0 = true }
        let end = Self.t0.addingTimeInterval(3600)
        var attempts = 0
        for minute in 0..<5 {
            attempts += await dispatcher.drainSinks(at: end.addingTimeInterval(Double(minute) * 60))[id]?.attempts ?? 0
        }
        #expect(attempts <= 4, "one summary retried on its backoff, not one more copy a drain: \(attempts)")
        down.withLock { $0 = false }
        let back = end.addingTimeInterval(3600)
        #expect(await dispatcher.drainSinks(at: back)[id]?.summaries == 1)
        _ = await dispatcher.drainSinks(at: back.addingTimeInterval(3600))
        let sent = server.requests.filter { $0.bodyText.contains("rate_limit_summary") }
        #expect(sent.count == attempts + 1, "\(sent.count) summary requests, \(attempts) while down")
    }

    @Test func topicFilterLimitsWhatASinkIsOwed() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let server = try LoopbackHTTPServer.start(routes: ["/hook": .ok("ok")])
        defer { server.stop() }
        let dispatcher = try f.dispatcher([Self.webhook(server.url("/hook"), topics: ["israel"])])
        try f.ingest(["Gaza one", "Israel two"], at: Self.t0, routes: dispatcher.routes)
        _ = await dispatcher.drainSinks(at: Self.t0)
        #expect(server.requests.count == 1)
        #expect(server.requests.first?.bodyText.contains("\"topic\":\"israel\"") == true)
    }

    // MARK: Exec

    @Test func execSinkRunsTheCommandWithTheAlertJSONOnStdin() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let out = f.dir.file("received.jsonl")
        let script = try f.dir.write("record.sh", "#!/bin/sh\ncat >> '\(out.path)'\n")
        let dispatcher = try f.dispatcher([.exec(.init(command: ["/bin/sh", script.path]))])
        let alerts = try f.ingest(["Gaza one", "Israel two"], at: Self.t0, routes: dispatcher.routes)
        let result = try #require(await dispatcher.drainSinks(at: Self.t0)[dispatcher.sinks[0].id])
        #expect(result.delivered == 2)
        let lines = try String(contentsOf: out, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines == alerts.map(\.json.compact))
    }

    @Test func aFailingExecCommandIsRetried() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let script = try f.dir.write("fail.sh", "#!/bin/sh\ncat >/dev/null\necho nope >&2\nexit 3\n")
        let dispatcher = try f.dispatcher([.exec(.init(command: ["/bin/sh", script.path]))])
        let id = dispatcher.sinks[0].id
        try f.ingest(["Gaza one"], at: Self.t0, routes: dispatcher.routes)
        #expect(await dispatcher.drainSinks(at: Self.t0)[id]?.failed == 1)
        #expect(try f.summary(id).pending == 1)
        let pending = try f.store.pendingDeliveries(sink: id, dueAt: nil, limit: 10)
        #expect(pending.first?.attempts == 1)
        #expect(pending.first?.lastError?.contains("status 3") == true)
    }

    // MARK: Independence and the daemon loop

    @Test func aHangingWebhookDelaysNeitherTheFileNorAnotherSink() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let dead = try LoopbackHTTPServer.start { _ in .hang }
        defer { dead.stop() }
        let live = try LoopbackHTTPServer.start(routes: ["/hook": .ok("ok")])
        defer { live.stop() }
        let transport = f.transport
        let sinks = [
            ConfiguredSink(
                id: "webhook:dead",
                sink: WebhookAlertSink(url: dead.url("/hook"), timeout: .seconds(60), transport: transport)),
            ConfiguredSink(
                id: "webhook:live", sink: WebhookAlertSink(url: live.url("/hook"), transport: transport)),
        ]
        let dispatcher = f.dispatcher(sinks)
        let run = Task { await dispatcher.run() }
        let alerts = try f.ingest(["Gaza one"], at: Date(), routes: dispatcher.routes)
        dispatcher.wake()

        #expect(await live.waitForRequests(1, timeout: 20))
        #expect(await dead.waitForRequests(1, timeout: 20))
        let file = f.dir.url.appendingPathComponent("alerts").appendingPathComponent(
            dispatcher.fileSink.fileName(for: alerts[0].detected))
        // The file sink runs beside the webhooks: waiting for their requests does not wait for its write (this
        // failed once under ThreadSanitizer, which slows every thread down).
        #expect(
            try await Self.eventually {
                (try? String(contentsOf: file, encoding: .utf8)) == alerts[0].json.compact + "\n"
            })
        #expect(try await Self.eventually { try f.summary("webhook:live").pending == 0 })
        #expect(try f.summary("webhook:dead").pending == 1)

        // A second alert while the dead hook still hangs: the file and the live hook get it too.
        let more = try f.ingest(["Gaza two"], at: Date(), routes: dispatcher.routes)
        dispatcher.wake()
        #expect(await live.waitForRequests(2, timeout: 20))
        #expect(
            try await Self.eventually {
                (try? String(contentsOf: file, encoding: .utf8))?.hasSuffix(more[0].json.compact + "\n") == true
            })

        // Shutdown ends the hanging attempt without charging it to the sink.
        run.cancel()
        await run.value
        #expect(try f.summary("webhook:dead").pending == 2)
        #expect(
            try f.store.pendingDeliveries(sink: "webhook:dead", dueAt: nil, limit: 10).allSatisfy {
                $0.attempts == 0
            })
    }

    @Test func runStopsOnCancellationAndFlushesTheFileSink() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let clock = ManualClock(start: Self.t0)
        let dispatcher = f.dispatcher([ConfiguredSink](), clock: clock)
        let run = Task { await dispatcher.run() }
        // Owed but never woken for: the shutdown flush writes it.
        let alerts = try f.ingest(["Gaza one"], at: Self.t0, routes: dispatcher.routes)
        run.cancel()
        await run.value
        #expect(try f.summary("file").pending == 0)
        let file = f.dir.url.appendingPathComponent("alerts/2026-11-24.jsonl")
        #expect(try String(contentsOf: file, encoding: .utf8) == alerts[0].json.compact + "\n")
    }

    @Test func runOnceIgnoresBackoffAndAbandonsAnAttemptAtTheDeadline() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let flaky = Counter()
        let server = try LoopbackHTTPServer.start { _ in flaky.next() == 1 ? .status(502) : .ok("ok") }
        defer { server.stop() }
        let dead = try LoopbackHTTPServer.start { _ in .hang }
        defer { dead.stop() }
        let clock = ManualClock(start: Self.t0)
        let dispatcher = try f.dispatcher(
            [Self.webhook(server.url("/hook")), Self.webhook(dead.url("/hook"))], clock: clock)
        let (flakyID, deadID) = (dispatcher.sinks[0].id, dispatcher.sinks[1].id)
        try f.ingest(["Gaza one"], at: Self.t0, routes: dispatcher.routes)
        // An earlier daemon (same sink, so the same outbox id) failed once: the delivery is backed off for 30 s.
        let earlier = try f.dispatcher([Self.webhook(server.url("/hook"))], clock: clock)
        #expect(earlier.sinks[0].id == flakyID)
        #expect(await earlier.drainSinks(at: Self.t0)[flakyID]?.failed == 1)

        // An interrupted earlier run left the file sink's delivery owed; --once writes it and retries at once.
        let results = await dispatcher.runOnce(deadline: ContinuousClock.now + .seconds(2))
        #expect(results[flakyID]?.delivered == 1)
        #expect(results[deadID]?.failed == 1)
        #expect(try f.summary("file").pending == 0)
        #expect(try f.summary(flakyID).pending == 0)
        let dead1 = try f.store.pendingDeliveries(sink: deadID, dueAt: nil, limit: 10)
        #expect(dead1.first?.lastError?.contains("run --once") == true)
    }
}

extension SinkDispatcherTests {
    /// Polls `condition` until it holds or `timeout` seconds pass (for effects of a running loop).
    static func eventually(timeout: TimeInterval = 10, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try condition()
    }
}

/// A thread-safe counter for scripted servers: `next()` returns 1, 2, 3, …
final class Counter: @unchecked Sendable {
    // Owner: `lock` guards `value`.
    private let lock = NSLock()
    private var value = 0
    func next() -> Int {
        lock.withLock {
            value += 1
            return value
        }
    }
}
