import Foundation
import NewswatchCore
import NewswatchStore
import NewswatchTestSupport
import Prometheus
import Testing

@testable import NewswatchDaemon

/// What the watched ingest hands on: the metrics read the new items' figures, the caller gets the outcome without
/// them (a `run --once` round keeps every feed's outcome to its end: one figure per new item held for a cold round
/// of 2,000 feeds doubled its peak RSS).
@Suite struct WatchedStoreIngestTests {
    @Test func theMetricsCountTheNewItemsAndTheOutcomeCarriesNoFigures() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let registry = PrometheusCollectorRegistry()
        var store = WatchedStore(try SQLiteStore(path: dir.file("state.sqlite").path), progress: StoreProgress())
        store.metrics = NewswatchMetrics(factory: PrometheusMetricsFactory.newswatch(registry: registry))
        let feed = FeedDescriptor(key: "k", name: "Wire", url: "http://127.0.0.1/wire.xml")
        try await store.syncFeeds([feed], at: Date())
        let now = Date()
        let titles = ["Gaza talks", "Gaza aid", "Markets"]
        let batch = IngestBatch(
            feed: feed, fetchedAt: now, httpStatus: 200, bodyHash: nil,
            items: titles.map { ParsedItem(id: $0, title: $0, link: "https://wire.example/\($0)", published: now) },
            topics: [TopicDefinition(id: "gaza", name: "Gaza", query: "Gaza")], sinks: [.file], backfill: 6 * 3600,
            matcher: { item in
                (item.title ?? "").contains("Gaza")
                    ? [TopicMatch(topicID: "gaza", terms: [MatchedTerm(term: "Gaza", field: .title)])] : []
            })
        let outcome = try await store.ingest(batch)
        #expect(outcome.newItems == 3)
        #expect(outcome.newItemFigures.isEmpty)
        let text = await MetricsResponder(registry: registry, metrics: store.metrics, refresh: {}, problem: { nil })
            .scrape()
        #expect(text.contains("newswatch_items_new_total 3"), "\(text)")
        #expect(text.contains("newswatch_matches_total{topic=\"gaza\"} 2"), "\(text)")
    }
}
