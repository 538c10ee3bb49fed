import Foundation
import NewswatchCore
import NewswatchMatch
import NewswatchStore
import NewswatchTestSupport
import Testing

@testable import NewswatchDigest

/// Digests built from a real store: what `newswatch digest` and the daemon write (CONTRACT §5).
@Suite struct DigestPublisherTests {
    let topics = [
        TopicDefinition(id: "gaza", name: "Gaza", query: "Gaza OR Rafah", priority: .high),
        TopicDefinition(id: "quiet", name: "Quiet desk", query: "Greenland", alert: false),
    ]
    let zone = TimeZone(identifier: "Asia/Jerusalem")!

    /// Ingests `items` for a feed at `time` through the real store and matcher.
    func ingest(_ store: SQLiteStore, feed: String, at time: Date, _ items: [ParsedItem]) throws {
        let matcher = try TopicMatcher(topics: topics)
        _ = try store.ingest(
            IngestBatch(
                feed: FeedDescriptor(
                    key: "https://\(feed).example/rss", name: feed, url: "https://\(feed).example/rss"),
                fetchedAt: time, httpStatus: 200, bodyHash: UUID().uuidString, items: items, topics: topics,
                sinks: [.file], backfill: 86400,
                matcher: { matcher.match(MatchableItem($0, feedName: feed)) }))
    }

    @Test func buildsStoriesWithAllSourcesAndRewritesIdentically() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStore(path: dir.file("db.sqlite").path)
        let schedule = DigestSchedule(time: DigestTime("07:00")!, timeZone: zone)
        let period = schedule.period(issuedOn: DigestDate("2026-11-25")!)
        let t = period.start.addingTimeInterval(3 * 3600)
        try ingest(
            store, feed: "wire", at: t,
            [
                ParsedItem(
                    id: "1", title: "Israeli strikes hit Rafah overnight", link: "https://wire.example/rafah",
                    published: t),
                ParsedItem(id: "2", title: "Markets rally in Tokyo", link: "https://wire.example/tokyo", published: t),
            ])
        try ingest(
            store, feed: "desk", at: t.addingTimeInterval(600),
            [
                ParsedItem(
                    id: "a", title: "Israeli strikes hit Rafah overnight",
                    link: "https://wire.example/rafah?utm_source=x",
                    published: t)
            ])
        // An item first seen after the period belongs to the next digest.
        try ingest(
            store, feed: "wire", at: period.end.addingTimeInterval(60),
            [
                ParsedItem(id: "3", title: "Aid reaches Gaza", link: "https://wire.example/aid", published: period.end)
            ])

        let publisher = DigestPublisher(
            store: store, topics: topics, schedule: schedule,
            writer: DigestWriter(outputDirectory: dir.url), logger: .init(label: "test"))
        let data = try await DigestBuilder(store: store, topics: topics, schedule: schedule).build(period)
        let gaza = try #require(data.topics.first { $0.id == "gaza" })
        #expect(gaza.itemCount == 2)
        #expect(gaza.storyCount == 1)
        #expect(gaza.stories.first?.sources.map(\.feed).sorted() == ["desk", "wire"])
        #expect(gaza.stories.first?.alertID != nil)
        #expect(gaza.hourlyVolume.reduce(0, +) == 2)
        #expect(data.topics.first { $0.id == "quiet" }?.itemCount == 0)

        let files = try await publisher.write(period)
        #expect(files.map(\.lastPathComponent).sorted() == ["2026-11-25.html", "2026-11-25.json", "2026-11-25.md"])
        let first = try files.map { try Data(contentsOf: $0) }
        try await publisher.write(period)
        #expect(try files.map { try Data(contentsOf: $0) } == first)
        let md = String(decoding: first[files.firstIndex { $0.pathExtension == "md" }!], as: UTF8.self)
        #expect(md.contains("Israeli strikes hit Rafah overnight"))
        #expect(!md.contains("Aid reaches Gaza"))
    }

    @Test func writesMissedDigestsOnStart() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStore(path: dir.file("db.sqlite").path)
        let schedule = DigestSchedule(time: DigestTime("07:00")!, timeZone: zone)
        let firstDay = schedule.period(issuedOn: DigestDate("2026-11-20")!)
        try ingest(
            store, feed: "wire", at: firstDay.start.addingTimeInterval(3600),
            [
                ParsedItem(
                    id: "1", title: "Rafah crossing reopens", link: "https://wire.example/1", published: firstDay.start)
            ])
        let publisher = DigestPublisher(
            store: store, topics: topics, schedule: schedule,
            writer: DigestWriter(outputDirectory: dir.url, formats: [.markdown]), logger: .init(label: "test"))

        // Down since the first fetch; it starts on the 23rd at noon: digests of the 20th, 21st, 22nd and 23rd are owed.
        let clock = ManualClock(start: schedule.instant(on: DigestDate("2026-11-23")!).addingTimeInterval(5 * 3600))
        let runner = Task { await publisher.run(clock: clock) }
        defer { runner.cancel() }
        for _ in 0..<500 where clock.sleeperCount == 0 { try await Task.sleep(nanoseconds: 10_000_000) }
        let written = try FileManager.default.contentsOfDirectory(
            atPath: dir.url.appendingPathComponent("digests").path
        )
        .filter { !$0.hasPrefix(".") }
        #expect(written.sorted() == ["2026-11-20.md", "2026-11-21.md", "2026-11-22.md", "2026-11-23.md"])

        // At the next digest time the daemon writes that day's digest.
        clock.advance(by: 86400)
        var next: [String] = []
        for _ in 0..<500 {
            next = try FileManager.default.contentsOfDirectory(atPath: dir.url.appendingPathComponent("digests").path)
                .filter { !$0.hasPrefix(".") }
            if next.count == 5 { break }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        #expect(next.contains("2026-11-24.md"))
    }
}
