import Foundation
import NewswatchCore
import NewswatchSystem
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// Issue 13 item 3: the poll path's ingest is one awaited write on GRDB's writer, with no queue or lock around it.
@Suite struct AsyncIngestTests {
    private static let batches: [(feed: Int, hours: Double, titles: [String])] = [
        (1, -1, []), (2, -1, []),
        (1, 0, ["Gaza hospital loses power", "Israel cabinet meets"]),
        (2, 0.5, ["Gaza hospital loses power", "Weather in Paris"]),
        (1, 1, ["Gaza hospital loses power", "Israel cabinet meets", "Gaza talks resume in Cairo"]),
    ]

    private static func batch(_ b: (feed: Int, hours: Double, titles: [String])) -> IngestBatch {
        let items = b.titles.enumerated().map { i, title in
            Kit.item(
                "\(b.feed)-\(title)", title, link: "https://feed\(b.feed).example/\(i)",
                published: Kit.at(hours: b.hours - 0.25))
        }
        return Kit.batch(feed: Kit.feed(b.feed), at: Kit.at(hours: b.hours), items: items)
    }

    /// A synchronous context picks the blocking overload.
    private static func ingestBlocking(_ store: SQLiteStore, _ batch: IngestBatch) throws -> IngestOutcome {
        try store.ingest(batch)
    }

    /// PostgreSQL's ingest returns, outcome for outcome (feed state included), what SQLite's blocking one does.
    @Test(arguments: StoreBackend.allCases)
    func theAwaitedIngestStoresWhatTheBlockingOneStores(backend: StoreBackend) async throws {
        let blockingKit = try Kit()
        defer { blockingKit.dir.remove() }
        let blocking = try blockingKit.open()
        try await backend.withIngestStore { awaited in
            for b in Self.batches {
                let expected = try Self.ingestBlocking(blocking, Self.batch(b))
                var prepared = Self.batch(b)
                prepared.prepare()
                #expect(try await awaited.ingest(prepared) == expected)
            }
            let owed = try await awaited.pendingDeliveries(sink: "file", dueAt: nil, limit: 100)
            #expect(owed.count == 3)
            #expect(owed == (try blocking.pendingDeliveries(sink: "file", dueAt: nil, limit: 100)))
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func concurrentIngestsOfOneHeadlineFromManyFeedsMakeOneStoryAndOneAlert(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in try await Self.concurrentIngests(store) }
    }

    private static func concurrentIngests(_ store: any IngestBackend) async throws {
        let feeds = 1...8
        for n in feeds { _ = try await store.ingest(Kit.batch(feed: Kit.feed(n), at: Kit.at(hours: -1), items: [])) }
        let outcomes = try await withThrowingTaskGroup(of: IngestOutcome.self) { group in
            for n in feeds {
                group.addTask {
                    let item = Kit.item(
                        "\(n)", "Gaza hospital loses power after strike", link: "https://feed\(n).example/a",
                        published: Kit.at(hours: -0.5))
                    return try await store.ingest(Kit.batch(feed: Kit.feed(n), at: Kit.at(hours: 0), items: [item]))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.allSatisfy { $0.newItems == 1 })
        let alerts = outcomes.flatMap(\.alerts)
        #expect(alerts.map(\.topic) == ["gaza"])
        let story = try #require(alerts.first?.story)
        let row = Int64(try await store.count("SELECT id FROM stories WHERE key = '\(story)'"))
        #expect(try await store.storySources(storyRowIDs: [row])[row]?.count == feeds.count)
    }

    /// `run --once` logs the store's CPU time, the round's one serial stage: an ingest on GRDB's writer counts.
    @Test func anAwaitedIngestCountsAsStoreCPUTime() async throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        let store = try kit.open()
        let items = (0..<2000).map { Kit.item("\($0)", "Story \($0) about Gaza", link: "https://feed1.example/\($0)") }
        let before = Offload.storeQueueCPUMicroseconds
        _ = try await store.ingest(Kit.batch(at: Kit.at(hours: 0), items: items))
        #expect(Offload.storeQueueCPUMicroseconds > before)
    }

    /// GRDB interrupts an async access whose task is cancelled; an ingest commits all the same, as the blocking one
    /// did (a shutdown cancels the polls it waits for).
    @Test(arguments: StoreBackend.allCases)
    func anIngestOfACancelledTaskStillCommits(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in try await Self.cancelledIngest(store) }
    }

    private static func cancelledIngest(_ store: any IngestBackend) async throws {
        _ = try await store.ingest(Kit.batch(at: Kit.at(hours: -1), items: []))
        let item = Kit.item("1", "Gaza hospital loses power", link: "https://feed1.example/1")
        let outcome = try await Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await store.ingest(Kit.batch(at: Kit.at(hours: 0), items: [item]))
        }.value
        #expect(outcome.newItems == 1 && outcome.alerts.count == 1)
        #expect(try await store.pendingDeliveries(sink: "file", dueAt: nil, limit: 10).count == 1)
    }
}
