import Foundation
import GRDB
import NewswatchCore
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// The lookup every sink drain makes for its next timed batch (CONTRACT §10): that sink's rows only, through the
/// `deliveries_timed` index, never a scan of the whole outbox.
@Suite struct NextReleaseStoreTests {
    @Test(arguments: StoreBackend.allCases)
    func itIsTheSinksEarliestPendingReleaseAfterNow(backend: StoreBackend) async throws {
        try await backend.withOutboxStore { store in
            let now = Kit.at(hours: 0)
            _ = try await store.ingest(Kit.batch(at: Kit.at(hours: -1), items: []))
            var batch = Kit.batch(at: now, items: [Kit.item("1", "Israel budget vote"), Kit.item("3", "Gaza")])
            batch.topics[1].delivery = TopicDelivery(mode: .batch, batchPeriod: 900)
            _ = try await store.ingest(batch)
            let end = Date(timeIntervalSince1970: ((now.timeIntervalSince1970 / 900).rounded(.down) + 1) * 900)

            #expect(try await store.nextRelease(sink: "webhook", after: now) == end)
            #expect(try await store.nextRelease(sink: "file", after: now) == nil)
            #expect(try await store.nextRelease(sink: "webhook", after: end) == nil)
        }
    }

    @Test func itUsesTheTimedIndex() throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        let store = try kit.open()
        let plan = try store.read { db in
            try Row.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN " + SQLiteStore.nextReleaseSQL, arguments: ["webhook", 0, 0]
            ).map { $0["detail"] as String? ?? "" }
        }
        #expect(plan.contains { $0.contains("deliveries_timed") }, "\(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
    }
}
