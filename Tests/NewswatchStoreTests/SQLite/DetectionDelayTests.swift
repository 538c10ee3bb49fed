import Foundation
import NewswatchCore
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// The store's detection-delay figures (CONTRACT §11): detected − published of dated new items.
@Suite struct DetectionDelayTests {
    /// Feed 1: items published 1, 2, …, 10 minutes before a fetch at t0 (in one batch) and one undated; feed 2: one
    /// item 30 s before a fetch at t0 + 1 h, and one published 10 h before it (outside a 6 h backfill).
    private func seeded(_ store: any IngestBackend) async throws {
        let dated = (1...10).map { m in
            Kit.item(
                "a\(m)", "Gaza item \(m)", link: "https://feed1.example/\(m)", published: Kit.at(hours: -Double(m) / 60)
            )
        }
        let undated = Kit.item("u", "Undated", link: "https://feed1.example/u")
        _ = try await store.ingest(Kit.batch(at: Kit.t0, items: dated + [undated]))
        let late = Kit.at(hours: 1)
        _ = try await store.ingest(
            Kit.batch(
                feed: Kit.feed(2), at: late,
                items: [
                    Kit.item("b1", "Quick", link: "https://feed2.example/1", published: late.addingTimeInterval(-30)),
                    Kit.item("b2", "Old", link: "https://feed2.example/2", published: Kit.at(hours: -9)),
                ]))
    }

    @Test(arguments: StoreBackend.allCases)
    func delaysPerFeedKeepOnlyDatedItemsWithinBackfillSinceTheWindowStart(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in try await delaysPerFeed(store) }
    }

    private func delaysPerFeed(_ store: any IngestBackend) async throws {
        try await seeded(store)
        let delays = try await store.detectionDelays(
            firstSeenFrom: Kit.at(hours: -24), to: Kit.at(hours: 2), backfill: 6 * 3600)
        #expect(delays[Kit.feed(1).key] == (1...10).map { TimeInterval($0 * 60) })
        #expect(delays[Kit.feed(2).key] == [30])
        // The window starts after feed 1's fetch: only feed 2's item is left.
        let later = try await store.detectionDelays(
            firstSeenFrom: Kit.at(hours: 0.5), to: Kit.at(hours: 2), backfill: 6 * 3600)
        #expect(later.keys.sorted() == [Kit.feed(2).key])
        // A shorter backfill drops the delays longer than it.
        let short = try await store.detectionDelays(
            firstSeenFrom: Kit.at(hours: -24), to: Kit.at(hours: 2), backfill: 300)
        #expect(short[Kit.feed(1).key] == [60, 120, 180, 240, 300])
    }

    @Test(arguments: StoreBackend.allCases)
    func percentilesAreNearestRank(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in try await percentiles(store) }
    }

    private func percentiles(_ store: any IngestBackend) async throws {
        try await seeded(store)
        let delays = try await store.detectionDelays(
            firstSeenFrom: Kit.at(hours: -24), to: Kit.at(hours: 2), backfill: 6 * 3600)
        let feed1 = try #require(DelayPercentiles(delays[Kit.feed(1).key] ?? []))
        #expect(feed1 == DelayPercentiles([600, 60, 120, 180, 240, 300, 360, 420, 480, 540]))
        #expect(feed1.p50 == 300 && feed1.p95 == 600)
        #expect(DelayPercentiles([]) == nil)
        #expect(DelayPercentiles([42])?.p50 == 42 && DelayPercentiles([42])?.p95 == 42)
        #expect(DelayPercentiles.text(192) == "3m12s" && DelayPercentiles.text(45) == "45s")
        #expect(DelayPercentiles.text(7500) == "2h5m" && DelayPercentiles.text(3600) == "1h")
    }

    /// The metrics take an ingest's new items from its outcome (no read after the ingest).
    @Test(arguments: StoreBackend.allCases)
    func theOutcomeCarriesOneIngestsNewItemsWithTheirTopics(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in
            let dated = (1...10).map { m in
                Kit.item(
                    "a\(m)", "Gaza item \(m)", link: "https://feed1.example/\(m)",
                    published: Kit.at(hours: -Double(m) / 60)
                )
            }
            let undated = Kit.item("u", "Undated", link: "https://feed1.example/u")
            let figures = try await store.ingest(Kit.batch(at: Kit.t0, items: dated + [undated])).newItemFigures
            #expect(figures.count == 11)
            #expect(figures.filter { $0.published == nil }.count == 1)
            #expect(figures.filter { $0.topics == ["gaza"] }.count == 10)
            #expect(figures.allSatisfy { $0.firstSeen == Kit.t0 })
            #expect(figures.contains { $0.published == Kit.at(hours: -0.1) })
            // Seen again: nothing new.
            let again = try await store.ingest(Kit.batch(at: Kit.at(hours: 1), items: dated + [undated]))
            #expect(again.newItemFigures.isEmpty)
        }
    }
}
