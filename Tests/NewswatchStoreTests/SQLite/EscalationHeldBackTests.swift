import Foundation
import NewswatchCore
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// Escalation looks only at items that could alert: a first fetch's held-back items (older than the backfill
/// window) join their stories, but alert nothing, updates included.
@Suite struct EscalationHeldBackTests {
    /// Feed `n` carrying the shared story at `hours`, its item published `age` hours before.
    private static func batch(feed n: Int, hours: Double, age: Double) -> IngestBatch {
        var batch = EscalationTests.batch(feed: n, hours: hours)
        batch.items = [
            MatchedItem(
                Kit.item(
                    "f\(n)", "Gaza talks resume in Cairo", link: "https://wire.example/talks",
                    published: Kit.at(hours: hours - age)),
                matches: batch.items[0].matches)
        ]
        return batch
    }

    @Test(arguments: StoreBackend.allCases)
    func aFirstFetchsHeldBackItemsDoNotEscalate(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in
            #expect(try await store.ingest(Self.batch(feed: 1, hours: 0, age: 0.1)).alerts.map(\.kind) == [.new])
            // Feeds 2 and 3 start up with the story 10 h old (backfill 6 h): held back, the third source is no update.
            #expect(try await store.ingest(Self.batch(feed: 2, hours: 9, age: 10)).alerts.isEmpty)
            let third = try await store.ingest(Self.batch(feed: 3, hours: 9, age: 10))
            #expect(third.firstFetch)
            #expect(third.alerts.isEmpty, "\(third.alerts.map(\.kind))")
            // A fourth feed's fresh item on the story: it can alert, and the story now has four sources.
            let fourth = try await store.ingest(Self.batch(feed: 4, hours: 10, age: 0.1)).alerts
            #expect(fourth.map(\.kind) == [.update] && fourth.first?.sources == 4, "\(fourth)")
        }
    }
}
