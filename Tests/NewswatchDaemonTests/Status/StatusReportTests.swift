import Foundation
import NewswatchAlerts
import NewswatchConfig
import NewswatchCore
import NewswatchStore
import NewswatchTestSupport
import Testing

@testable import NewswatchDaemon

/// `status` on a known state built through the real `SQLiteStore` (ingest, failures, schedules, outbox).
@Suite(.timeLimit(.minutes(2)))
struct StatusReportTests {
    static let configText = """
        [daemon]
        state_dir = "state"

        [digest]
        timezone = "Asia/Jerusalem"

        [[feeds]]
        url = "https://alpha.example/rss"
        name = "Alpha"

        [[feeds]]
        url = "https://beta.example/rss"
        name = "Beta"

        [[feeds]]
        url = "https://gamma.example/rss"
        name = "Gamma"
        interval = "1h"

        [[feeds]]
        url = "https://delta.example/rss"
        name = "Delta"

        [[topics]]
        id = "gaza"
        name = "Gaza war"
        query = "Gaza"

        [[alerts.sinks]]
        type = "webhook"
        url = "https://hooks.example.org/in/x"
        """

    /// A config in a temp dir and a store in its `state_dir`, filled as of `now`:
    /// Alpha fetched an hour ago with one Gaza alert (owed to the file and the webhook), Beta brought its last new
    /// item five days ago and has fetched fine since (silent), Gamma failed twice with 503, Delta never ran.
    struct Fixture {
        let dir: TemporaryDirectory
        let config: NewswatchConfig
        let configFile: URL
        let store: SQLiteStore
        let alert: Alert

        init(now: Date) throws {
            dir = try TemporaryDirectory(prefix: "newswatch-status")
            configFile = try dir.write("newswatch.toml", StatusReportTests.configText)
            config = try ConfigLoader.load(file: configFile).config
            store = try SQLiteStore(path: StatePaths(config.daemon).database.path)
            let feeds = config.feeds.map { FeedDescriptor(key: $0.key, name: $0.name!, url: $0.key) }
            try store.syncFeeds(feeds, at: now.addingTimeInterval(-10 * 86400))
            let routes = [SinkRoute.file] + config.sinks.map { SinkRoute(id: ConfiguredSink.stableID($0)) }
            let topics = config.topics
            let matcher: @Sendable (ParsedItem) -> [TopicMatch] = { item in
                (item.title ?? "").contains("Gaza")
                    ? [TopicMatch(topicID: "gaza", terms: [MatchedTerm(term: "Gaza", field: .title)])] : []
            }
            func batch(_ feed: FeedDescriptor, at time: Date, _ titles: [String]) -> IngestBatch {
                IngestBatch(
                    feed: feed, fetchedAt: time, httpStatus: 200, bodyHash: nil,
                    items: titles.map { ParsedItem(id: $0, title: $0, link: feed.key + "/" + $0, published: time) },
                    topics: topics, sinks: routes, backfill: 6 * 3600, matcher: matcher)
            }
            let hour: TimeInterval = 3600
            let alerts = try store.ingest(batch(feeds[0], at: now.addingTimeInterval(-hour), ["Gaza talks", "Other"]))
                .alerts
            alert = try #require(alerts.first)
            try store.setSchedule(key: feeds[0].key, FeedSchedule(nextDue: now.addingTimeInterval(600)))
            // Beta: an old Gaza alert (not today), then only unchanged fetches.
            _ = try store.ingest(batch(feeds[1], at: now.addingTimeInterval(-5 * 86400), ["Gaza old"]))
            try store.recordNoChange(
                NoChangeRecord(
                    key: feeds[1].key, at: now.addingTimeInterval(-600), reason: .notModified, httpStatus: 304))
            for minutes in [4.0, 2.0] {
                try store.recordFailure(
                    FeedFailure(
                        key: feeds[2].key, at: now.addingTimeInterval(-minutes * 60), kind: "http",
                        message: "HTTP status 503", httpStatus: 503))
            }
        }
    }

    /// 2026-11-24T12:00:00Z (14:00 in Jerusalem).
    static let now = Timestamp.date(year: 2026, month: 11, day: 24, hour: 12)

    @Test func reportOfAKnownState() async throws {
        let f = try Fixture(now: Self.now)
        defer { f.dir.remove() }
        let report = try await StatusReport.build(config: f.config, store: f.store, now: Self.now)

        #expect(report.feeds.map(\.name) == ["Alpha", "Beta", "Gamma", "Delta"])
        let alpha = report.feeds[0]
        #expect(alpha.url == "https://alpha.example/rss")
        #expect(alpha.lastFetch == Self.now.addingTimeInterval(-3600))
        #expect(alpha.httpStatus == 200)
        #expect(alpha.error == nil && alpha.consecutiveFailures == 0 && !alpha.silent)
        #expect(alpha.items == 2)
        #expect(alpha.nextDue == Self.now.addingTimeInterval(600))
        #expect(report.feeds[1].silent)
        #expect(report.feeds[1].httpStatus == 304)
        let gamma = report.feeds[2]
        #expect(gamma.error == "HTTP status 503" && gamma.consecutiveFailures == 2 && gamma.httpStatus == 503)
        #expect(gamma.failing && !gamma.silent)
        let delta = report.feeds[3]
        #expect(delta.lastFetch == nil && delta.items == 0 && delta.nextDue == nil && !delta.silent)

        #expect(report.sinks.map(\.type) == ["file", "webhook"])
        // Alpha's alert is owed to both; Beta's old one too.
        #expect(report.sinks.map(\.pending) == [2, 2])
        #expect(report.sinks.map(\.givenUp) == [0, 0])
        #expect(report.totals == StatusReport.Totals(feeds: 4, failing: 1, items: 3, alertsToday: 1))
    }

    @Test func jsonHasExactlyTheContractShape() async throws {
        let f = try Fixture(now: Self.now)
        defer { f.dir.remove() }
        let report = try await StatusReport.build(config: f.config, store: f.store, now: Self.now)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(report.json.compact.utf8)) as? [String: Any])
        // `verdicts` (CONTRACT §8, `newswatch feedback`): an object by topic id, empty before any verdict.
        // `incidents` (CONTRACT §10): open operator incidents, empty when none is open.
        #expect(object.keys.sorted() == ["feeds", "incidents", "sinks", "totals", "verdicts"])
        #expect((object["incidents"] as? [Any])?.isEmpty == true)
        #expect((object["verdicts"] as? [String: Any])?.isEmpty == true)
        let feeds = try #require(object["feeds"] as? [[String: Any]])
        for feed in feeds {
            #expect(
                feed.keys.sorted()
                    == [
                        "consecutive_failures", "detection_delay_p50", "detection_delay_p95", "error", "http_status",
                        "items", "last_fetch", "name", "next_due", "silent", "url", "warning",
                    ])
        }
        #expect(feeds[0]["last_fetch"] as? String == "2026-11-24T11:00:00Z")
        #expect(feeds[0]["next_due"] as? String == "2026-11-24T12:10:00Z")
        #expect(feeds[0]["error"] is NSNull)
        #expect(feeds[3]["last_fetch"] is NSNull && feeds[3]["http_status"] is NSNull && feeds[3]["next_due"] is NSNull)
        #expect(feeds[1]["silent"] as? Bool == true)
        #expect(feeds.allSatisfy { $0["warning"] is NSNull })
        let sinks = try #require(object["sinks"] as? [[String: Any]])
        let keys = [
            "batched", "events_given_up", "events_pending", "given_up", "held", "id", "next_batch", "pending", "type",
        ]
        #expect(sinks.allSatisfy { $0.keys.sorted() == keys })
        let totals = try #require(object["totals"] as? [String: Any])
        #expect(totals.keys.sorted() == ["alerts_today", "failing", "feeds", "items"])
        #expect(totals["alerts_today"] as? Int == 1)
        // Key order as written in the contract.
        #expect(report.json.compact.hasPrefix("{\"feeds\":[{\"name\":\"Alpha\",\"url\":\"https://alpha.example/rss\","))
    }

    @Test func verdictsAreCountedPerTopic() async throws {
        let f = try Fixture(now: Self.now)
        defer { f.dir.remove() }
        try f.store.recordVerdict(Verdict(alertID: f.alert.id, relevant: false, note: "talks", at: Self.now))
        let report = try await StatusReport.build(config: f.config, store: f.store, now: Self.now)
        #expect(report.verdicts == [VerdictCount(topic: f.alert.topic, relevant: 0, irrelevant: 1)])
        #expect(
            report.json.compact.hasSuffix(#","verdicts":{"\#(f.alert.topic)":{"relevant":0,"irrelevant":1}}}"#))
        #expect(report.table(now: Self.now).hasSuffix("verdicts \(f.alert.topic): 0 relevant, 1 irrelevant\n"))
    }

    @Test func alertsTodayCountsFromMidnightInTheDigestTimeZone() async throws {
        // 21:30Z on the 24th is 23:30 in Jerusalem; 22:30Z is already the 25th there.
        let f = try Fixture(now: Timestamp.date(year: 2026, month: 11, day: 24, hour: 21, minute: 30))
        defer { f.dir.remove() }
        let before = try await StatusReport.build(
            config: f.config, store: f.store, now: Timestamp.date(year: 2026, month: 11, day: 24, hour: 21, minute: 30))
        #expect(before.totals.alertsToday == 1)
        let after = try await StatusReport.build(
            config: f.config, store: f.store, now: Timestamp.date(year: 2026, month: 11, day: 24, hour: 22, minute: 30))
        #expect(after.totals.alertsToday == 0)
    }

    @Test func silenceNeedsSucceedingFetchesAndALongQuiet() {
        let now = Self.now
        func state(lastNew: Date?, firstSuccess: Date?, failures: Int = 0) -> FeedState {
            FeedState(
                key: "k", name: "n", url: nil, active: true, validators: HTTPValidators(), bodyHash: nil,
                lastFetch: now, lastSuccess: failures == 0 ? now : firstSuccess, firstSuccess: firstSuccess,
                lastNewItem: lastNew, httpStatus: 200, errorKind: failures == 0 ? nil : "http",
                error: failures == 0 ? nil : "x", consecutiveFailures: failures, schedule: FeedSchedule())
        }
        let day: TimeInterval = 86400
        #expect(
            !StatusReport.isSilent(state(lastNew: now - 2 * day, firstSuccess: now - 9 * day), interval: 600, now: now))
        #expect(
            StatusReport.isSilent(state(lastNew: now - 4 * day, firstSuccess: now - 9 * day), interval: 600, now: now))
        // A daily feed may be quiet for 20 days.
        #expect(
            !StatusReport.isSilent(
                state(lastNew: now - 10 * day, firstSuccess: now - 30 * day), interval: day, now: now))
        #expect(
            StatusReport.isSilent(state(lastNew: now - 21 * day, firstSuccess: now - 30 * day), interval: day, now: now)
        )
        // Never a new item since the first fetch: counted from that fetch.
        #expect(StatusReport.isSilent(state(lastNew: nil, firstSuccess: now - 4 * day), interval: 600, now: now))
        // Failing is failing, not silent; never fetched is not silent.
        #expect(
            !StatusReport.isSilent(
                state(lastNew: now - 9 * day, firstSuccess: now - 9 * day, failures: 2), interval: 600, now: now))
        #expect(!StatusReport.isSilent(state(lastNew: nil, firstSuccess: nil), interval: 600, now: now))
    }

    @Test func tableShowsEveryFeedSinkAndTotals() async throws {
        let f = try Fixture(now: Self.now)
        defer { f.dir.remove() }
        let table = try await StatusReport.build(config: f.config, store: f.store, now: Self.now).table(now: Self.now)
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("FEED "))
        #expect(lines.contains { $0.hasPrefix("Alpha ") && $0.contains(" ok ") && $0.contains("2026-11-24T11:00:00Z") })
        #expect(lines.contains { $0.hasPrefix("Beta ") && $0.contains(" silent ") })
        #expect(
            lines.contains { $0.hasPrefix("Gamma ") && $0.contains(" FAILING ") && $0.hasSuffix("HTTP status 503") })
        #expect(lines.contains { $0.hasPrefix("Delta ") && $0.contains(" never ") })
        #expect(lines.contains { $0.hasPrefix("webhook ") && $0.contains(ConfiguredSink.stableID(f.config.sinks[0])) })
        #expect(lines.last == "feeds 4, failing 1, items 3, alerts today 1 (as of 2026-11-24T12:00:00Z)")
    }

    // MARK: The command, as a user runs it

    @Test func statusCommandPrintsTheJSONOfTheStoreBesideIt() async throws {
        let now = Date()
        let f = try Fixture(now: now)
        defer { f.dir.remove() }
        let result = try NewswatchBinary.run(["status", "--config", f.configFile.path, "--json"], timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let expected = try await StatusReport.build(config: f.config, store: f.store, now: now)
        let reparsed = try #require(
            try JSONSerialization.jsonObject(with: Data(expected.json.compact.utf8)) as? [String: Any])
        #expect(NSDictionary(dictionary: object) == NSDictionary(dictionary: reparsed))

        let table = try NewswatchBinary.run(["status", "--config", f.configFile.path], timeout: 60)
        #expect(table.status == 0)
        #expect(table.stdout.contains("Gamma") && table.stdout.contains("FAILING"))
    }

    @Test func statusWithoutADatabaseListsTheConfiguredFeedsAndSaysSo() throws {
        let dir = try TemporaryDirectory(prefix: "newswatch-status-empty")
        defer { dir.remove() }
        let config = try dir.write("newswatch.toml", Self.configText)
        let result = try NewswatchBinary.run(["status", "--config", config.path, "--json"], timeout: 60)
        #expect(result.status == 0)
        #expect(result.stderr.contains("no state database"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let feeds = try #require(object["feeds"] as? [[String: Any]])
        #expect(feeds.count == 4 && feeds.allSatisfy { $0["last_fetch"] is NSNull })
        #expect((object["totals"] as? [String: Any])?["items"] as? Int == 0)
        // It only reads: no database appears.
        #expect(!FileManager.default.fileExists(atPath: dir.file("state/newswatch.sqlite").path))

        let missing = try NewswatchBinary.run(["status", "--config", dir.file("nope.toml").path], timeout: 60)
        #expect(missing.status == 66)
    }
}
