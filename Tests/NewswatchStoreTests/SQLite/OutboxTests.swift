import Foundation
import NewswatchCore
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

@Suite struct OutboxTests {
    /// Three alerts (two gaza stories, one israel-only) for sinks `file`, `webhook` (gaza only).
    private func seedAlerts(_ store: any OutboxBackend) async throws -> [Alert] {
        _ = try await store.ingest(Kit.batch(at: Kit.at(hours: -1), items: []))
        let sinks = [SinkRoute.file, SinkRoute(id: "webhook", topics: ["gaza"])]
        let r1 = try await store.ingest(
            Kit.batch(
                at: Kit.at(hours: 0), items: [Kit.item("1", "Gaza one", link: "https://x.example/1")], sinks: sinks))
        let r2 = try await store.ingest(
            Kit.batch(
                at: Kit.at(hours: 1),
                items: [
                    Kit.item("2", "Israel budget vote", link: "https://x.example/2"),
                    Kit.item("3", "Gaza three", link: "https://x.example/3"),
                ], sinks: sinks))
        return r1.alerts + r2.alerts
    }

    @Test(arguments: StoreBackend.allCases)
    func pendingInCreationOrderAndPerSinkTopics(backend: StoreBackend) async throws {
        try await backend.withOutboxStore { store in
            let alerts = try await seedAlerts(store)
            #expect(alerts.map(\.topic) == ["gaza", "israel", "gaza"])
            #expect(try await store.pendingDeliveries(sink: "file", dueAt: nil, limit: 10).map(\.alert) == alerts)
            #expect(
                try await store.pendingDeliveries(sink: "webhook", dueAt: nil, limit: 10).map(\.alert.topic) == [
                    "gaza", "gaza",
                ])
            #expect(try await store.pendingDeliveries(sink: "file", dueAt: nil, limit: 2).count == 2)
            #expect(try await store.pendingDeliveries(sink: "nobody", dueAt: nil, limit: 10).isEmpty)
            #expect(
                try await store.sinkSummaries() == [
                    SinkSummary(sink: "file", pending: 3, givenUp: 0),
                    SinkSummary(sink: "webhook", pending: 2, givenUp: 0),
                ])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func deliveredIsFinalAndIdempotent(backend: StoreBackend) async throws {
        try await backend.withOutboxStore { store in
            let alerts = try await seedAlerts(store)
            try await store.markDelivered(alertIDs: [alerts[0].id, alerts[1].id], sink: "file", at: Kit.at(hours: 2))
            try await store.markDelivered(
                alertIDs: [alerts[0].id, "no-such-alert"], sink: "file", at: Kit.at(hours: 3))
            #expect(
                try await store.pendingDeliveries(sink: "file", dueAt: nil, limit: 10).map(\.alert.id) == [alerts[2].id]
            )
            // Another sink's deliveries are untouched.
            #expect(try await store.pendingDeliveries(sink: "webhook", dueAt: nil, limit: 10).count == 2)
            // A failure reported after delivery changes nothing.
            let state = try await store.markFailed(
                alertID: alerts[0].id, sink: "file", at: Kit.at(hours: 4), error: "late", nextAttempt: Kit.at(hours: 5),
                giveUpAfter: nil)
            #expect(state == .delivered)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func failedDeliveriesWaitForTheirNextAttemptThenGiveUpAfter24Hours(backend: StoreBackend) async throws {
        try await backend.withOutboxStore { store in
            let alerts = try await seedAlerts(store)
            let first = alerts[0]  // detected at t0
            let s1 = try await store.markFailed(
                alertID: first.id, sink: "webhook", at: Kit.at(hours: 1), error: "HTTP 503",
                nextAttempt: Kit.at(hours: 1.5), giveUpAfter: 24 * 3600)
            #expect(s1 == .pending)
            // Not due yet at 1h15m, due at 1h30m.
            #expect(
                try await store.pendingDeliveries(sink: "webhook", dueAt: Kit.at(hours: 1.25), limit: 10).map(
                    \.alert.id)
                    == [alerts[2].id])
            let due = try await store.pendingDeliveries(sink: "webhook", dueAt: Kit.at(hours: 1.5), limit: 10)
            #expect(due.map(\.alert.id) == [first.id, alerts[2].id])
            #expect(due.first?.attempts == 1 && due.first?.lastError == "HTTP 503")
            // Ignoring attempt times (run --once) shows everything owed.
            #expect(try await store.pendingDeliveries(sink: "webhook", dueAt: nil, limit: 10).count == 2)

            let s2 = try await store.markFailed(
                alertID: first.id, sink: "webhook", at: Kit.at(hours: 23.9), error: "timeout",
                nextAttempt: Kit.at(hours: 25), giveUpAfter: 24 * 3600)
            #expect(s2 == .pending)
            let s3 = try await store.markFailed(
                alertID: first.id, sink: "webhook", at: Kit.at(hours: 24), error: "timeout",
                nextAttempt: Kit.at(hours: 26), giveUpAfter: 24 * 3600)
            #expect(s3 == .givenUp)
            #expect(
                try await store.pendingDeliveries(sink: "webhook", dueAt: nil, limit: 10).map(\.alert.id) == [
                    alerts[2].id
                ])
            #expect(
                try await store.sinkSummaries().first { $0.sink == "webhook" }
                    == SinkSummary(sink: "webhook", pending: 1, givenUp: 1))
            // The file sink never gives up.
            let f = try await store.markFailed(
                alertID: first.id, sink: "file", at: Kit.at(hours: 100), error: "disk full",
                nextAttempt: Kit.at(hours: 101),
                giveUpAfter: nil)
            #expect(f == .pending)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aFailedBatchIsRecordedWholeInOrder(backend: StoreBackend) async throws {
        try await backend.withOutboxStore { store in
            let alerts = try await seedAlerts(store)
            try await store.markDelivered(alertIDs: [alerts[2].id], sink: "webhook", at: Kit.at(hours: 1))
            // One failure of [delivered, pending]: each as the single call would, the states in the order given.
            let states = try await store.markFailed(
                [
                    (alertID: alerts[2].id, nextAttempt: Kit.at(hours: 2)),
                    (alertID: alerts[0].id, nextAttempt: Kit.at(hours: 2)),
                ],
                sink: "webhook", at: Kit.at(hours: 1), error: "HTTP 502", giveUpAfter: 24 * 3600)
            #expect(states == [.delivered, .pending])
            #expect(
                try await store.markFailed([], sink: "webhook", at: Kit.at(hours: 1), error: "x", giveUpAfter: nil)
                    .isEmpty)
            let owed = try await store.pendingDeliveries(sink: "webhook", dueAt: nil, limit: 10)
            #expect(
                owed.map(\.alert.id) == [alerts[0].id] && owed.first?.attempts == 1
                    && owed.first?.lastError == "HTTP 502")
            // An unknown delivery fails the whole batch: nothing of it is recorded.
            await #expect(throws: StoreError.self) {
                try await store.markFailed(
                    [
                        (alertID: alerts[0].id, nextAttempt: Kit.at(hours: 3)),
                        (alertID: "nope", nextAttempt: Kit.at(hours: 3)),
                    ],
                    sink: "webhook", at: Kit.at(hours: 2), error: "HTTP 503", giveUpAfter: 24 * 3600)
            }
            #expect(try await store.pendingDeliveries(sink: "webhook", dueAt: nil, limit: 10).first?.attempts == 1)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func unknownDeliveryIsAnError(backend: StoreBackend) async throws {
        try await backend.withOutboxStore { store in
            _ = try await seedAlerts(store)
            await #expect(throws: StoreError.self) {
                try await store.markFailed(
                    alertID: "nope", sink: "file", at: Kit.at(hours: 1), error: "x", nextAttempt: Kit.at(hours: 2),
                    giveUpAfter: nil)
            }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func alertsByDetectionTimeAndTotals(backend: StoreBackend) async throws {
        try await backend.withOutboxStore { store in
            let alerts = try await seedAlerts(store)
            #expect(
                try await store.alerts(detectedFrom: Kit.at(hours: 0.5), to: Kit.at(hours: 2)) == Array(alerts[1...]))
            let totals = try await store.totals(alertsSince: Kit.at(hours: 1))
            #expect(totals == StoreTotals(feeds: 1, failing: 0, items: 3, alertsSince: 2))
        }
    }
}
