import Foundation
import NewswatchCore
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// Timed deliveries in the outbox (CONTRACT §10): decided at ingest, invisible to the single-alert path, released
/// whole at their instant; the file sink's rows are never timed.
@Suite struct DeliveryTimingStoreTests {
    @Test(arguments: StoreBackend.allCases)
    func aBatchedTopicsRowsWaitForTheirPeriodAndTheFileDoesNot(backend: StoreBackend) async throws {
        try await backend.withOutboxStore { store in
            let now = Kit.at(hours: 0)
            _ = try await store.ingest(Kit.batch(at: Kit.at(hours: -1), items: []))
            var batch = Kit.batch(
                at: now,
                items: [
                    Kit.item("1", "Israel budget vote"), Kit.item("2", "Israel coalition talks"), Kit.item("3", "Gaza"),
                ])
            batch.topics[1].delivery = TopicDelivery(mode: .batch, batchPeriod: 900)
            let alerts = try await store.ingest(batch).alerts
            #expect(alerts.count == 3)
            let period = (now.timeIntervalSince1970 / 900).rounded(.down) * 900
            let end = Date(timeIntervalSince1970: period + 900)

            #expect(try await store.pendingDeliveries(sink: "file", dueAt: nil, limit: 10).count == 3)
            #expect(
                try await store.pendingDeliveries(sink: "webhook", dueAt: nil, limit: 10).map(\.alert.topic) == ["gaza"]
            )
            #expect(try await store.releasedDeliveries(sink: "webhook", at: now, attemptsDue: false, limit: 10).isEmpty)
            #expect(
                try await store.deliveryTimings(at: now) == [
                    SinkTiming(sink: "webhook", held: 0, batched: 2, nextBatch: end)
                ])

            let released = try await store.releasedDeliveries(sink: "webhook", at: end, attemptsDue: true, limit: 10)
            #expect(released.map(\.alert.topic) == ["israel", "israel"])
            #expect(
                released.allSatisfy {
                    $0.release
                        == TopicDelivery.Release(
                            notBefore: end, periodStart: Date(timeIntervalSince1970: period), hold: .batch)
                })
            try await store.markDelivered(alertIDs: released.map(\.alert.id), sink: "webhook", at: end)
            #expect(try await store.releasedDeliveries(sink: "webhook", at: end, attemptsDue: false, limit: 10).isEmpty)
            #expect(try await store.deliveryTimings(at: now).isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aHeldDeliverysDayOfRetriesStartsWhenItMayFirstGo(backend: StoreBackend) async throws {
        try await backend.withOutboxStore { store in
            let now = Kit.at(hours: 0)
            _ = try await store.ingest(Kit.batch(at: Kit.at(hours: -1), items: []))
            var batch = Kit.batch(at: now, items: [Kit.item("1", "Israel budget vote")])
            batch.topics[1].delivery = TopicDelivery(mode: .batch, batchPeriod: 86_400)
            let alert = try #require(try await store.ingest(batch).alerts.first)
            let release = try #require(
                try await store.releasedDeliveries(
                    sink: "webhook", at: now.addingTimeInterval(86_400), attemptsDue: false, limit: 1
                )
                .first?.release)
            // 25 hours after detection but only a few after its batch fell due: retried, not given up.
            let late = now.addingTimeInterval(25 * 3600)
            #expect(release.notBefore > now.addingTimeInterval(2 * 3600))
            #expect(
                try await store.markFailed(
                    alertID: alert.id, sink: "webhook", at: late, error: "down",
                    nextAttempt: late.addingTimeInterval(60),
                    giveUpAfter: 86_400) == .pending)
            let gone = release.notBefore.addingTimeInterval(86_400)
            #expect(
                try await store.markFailed(
                    alertID: alert.id, sink: "webhook", at: gone, error: "down", nextAttempt: gone, giveUpAfter: 86_400)
                    == .givenUp)
        }
    }
}
