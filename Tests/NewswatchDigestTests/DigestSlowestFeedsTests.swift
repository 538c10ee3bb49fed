import Foundation
import NewswatchCore
import NewswatchStore
import NewswatchTestSupport
import Testing

@testable import NewswatchDigest

/// The feed-health section names the feeds slowest to detect (CONTRACT §11), in all three formats, from the 7 days
/// to the period's end only.
@Suite struct DigestSlowestFeedsTests {
    let zone = TimeZone(identifier: "UTC")!

    private func ingest(_ store: SQLiteStore, feed: String, at time: Date, delays: [TimeInterval]) throws {
        let items = delays.enumerated().map { i, delay in
            ParsedItem(
                id: "\(feed)-\(time.timeIntervalSince1970)-\(i)", title: "\(feed) story \(i)",
                link: "https://\(feed).example/\(Int(time.timeIntervalSince1970))/\(i)",
                published: time.addingTimeInterval(-delay))
        }
        _ = try store.ingest(
            IngestBatch(
                feed: FeedDescriptor(
                    key: "https://\(feed).example/rss", name: feed, url: "https://\(feed).example/rss"),
                fetchedAt: time, httpStatus: 200, bodyHash: UUID().uuidString, items: items, topics: [], sinks: [.file],
                backfill: 6 * 3600, matcher: { _ in [] }))
    }

    @Test func slowestFeedsByP95InEveryFormatAndBoundedByThePeriod() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStore(path: dir.file("db.sqlite").path)
        let schedule = DigestSchedule(time: DigestTime("07:00")!, timeZone: zone)
        let period = schedule.period(issuedOn: DigestDate("2026-11-25")!)
        let t = period.start.addingTimeInterval(3600)
        try ingest(store, feed: "prompt", at: t, delays: [30, 60, 90])
        try ingest(store, feed: "laggard", at: t, delays: [600, 1200, 3600])
        try ingest(store, feed: "middling", at: t.addingTimeInterval(-3 * 86400), delays: [300, 300])
        try ingest(store, feed: "fourth", at: t, delays: [10])
        // Outside `backfill` (6 h): a backlog, not a delay. After the period's end: not in this digest.
        try ingest(store, feed: "backlog", at: t, delays: [86400])
        try ingest(store, feed: "later", at: period.end.addingTimeInterval(60), delays: [40000])

        var builder = DigestBuilder(store: store, topics: [], schedule: schedule)
        builder.backfill = 6 * 3600
        let health = try await builder.build(period).feedHealth
        #expect(health.slowest.map(\.feed) == ["laggard", "middling", "prompt"])
        #expect(health.slowest.first?.delay == DelayPercentiles([600, 1200, 3600]))
        #expect(health.slowest.first?.items == 3)

        let publisher = DigestPublisher(
            store: store, topics: [], schedule: schedule, writer: DigestWriter(outputDirectory: dir.url),
            logger: .init(label: "test"))
        let files = try await publisher.write(period)
        func file(_ ext: String) async throws -> String {
            try String(contentsOf: try #require(files.first { $0.pathExtension == ext }), encoding: .utf8)
        }
        let md = try await file("md")
        #expect(md.contains("Slowest to detect"), "\(md)")
        #expect(md.contains("- **[laggard](https://laggard.example/rss)**: p95 1h, p50 20m (3 items)."), "\(md)")
        #expect(!md.contains("backlog") && !md.contains("later") && !md.contains("fourth"), "\(md)")
        let html = try await file("html")
        #expect(html.contains("<h3>Slowest to detect</h3>"), "\(html)")
        #expect(html.contains("<strong>laggard</strong></a>: p95 1h, p50 20m (3 items).</li>"), "\(html)")
        let json = try await JSONSerialization.jsonObject(with: Data(try file("json").utf8)) as? [String: Any]
        let slowest = (json?["feed_health"] as? [String: Any])?["slowest"] as? [[String: Any]]
        #expect(slowest?.map { $0["feed"] as? String } == ["laggard", "middling", "prompt"])
        #expect(slowest?.first?["detection_delay_p95"] as? Int == 3600)
        #expect(slowest?.first?["detection_delay_p50"] as? Int == 1200)
        // A pure function of the stored data and the period: written again, the same bytes.
        let first = try files.map { try Data(contentsOf: $0) }
        try await publisher.write(period)
        #expect(try files.map { try Data(contentsOf: $0) } == first)
    }
}
