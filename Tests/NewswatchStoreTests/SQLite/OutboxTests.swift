import Foundation
import NewswatchCore
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

@Suite struct OutboxTests {
    /// A store with three alerts (two gaza stories, one israel-only) for sinks `file`, `webhook` (gaza only).
    private func storeWithAlerts(_ kit: Kit) throws -> (SQLiteStore, [Alert]) {
        let store = try kit.open()
        _ = try store.ingest(Kit.batch(at: Kit.at(hours: -1), items: []))
        let sinks = [SinkRoute.file, SinkRoute(id: "webhook", topics: ["gaza"])]
        let r1 = try store.ingest(
            Kit.batch(at: Kit.at(hours: 0), items: [Kit.item("1", "Gaza one", link: "https://x.example/1")], sinks: sinks))
        let r2 = try store.ingest(
            Kit.batch(
                at: Kit.at(hours: 1),
                items: [
                    Kit.item("2", "Israel budget vote", link: "https://x.example/2"),
                    Kit.item("3", "Gaza three", link: "https://x.example/3"),
                ], sinks: sinks))
        return (store, r1.alerts + r2.alerts)
    }

    @Test func pendingInCreationOrderAndPerSinkTopics() throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        let (store, alerts) = try storeWithAlerts(kit)
        #expect(alerts.map(\.topic) == ["gaza", "israel", "gaza"])
        #expect(try store.pendingDeliveries(sink: "file", dueAt: nil, limit: 10).map(\.alert) == alerts)
        #expect(try store.pendingDeliveries(sink: "webhook", dueAt: nil, limit: 10).map(\.alert.topic) == ["gaza", "gaza"])
        #expect(try store.pendingDeliveries(sink: "file", dueAt: nil, limit: 2).count == 2)
        #expect(try store.pendingDeliveries(sink: "nobody", dueAt: nil, limit: 10).isEmpty)
        #expect(try store.sinkSummaries() == [
            SinkSummary(sink: "file", pending: 3, givenUp: 0), SinkSummary(sink: "webhook", pending: 2, givenUp: 0),
        ])
    }

    @Test func deliveredIsFinalAndIdempotent() throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        let (store, alerts) = try storeWithAlerts(kit)
        try store.markDelivered(alertIDs: [alerts[0].id, alerts[1].id], sink: "file", at: Kit.at(hours: 2))
        try store.markDelivered(alertIDs: [alerts[0].id, "no-such-alert"], sink: "file", at: Kit.at(hours: 3))
        #expect(try store.pendingDeliveries(sink: "file", dueAt: nil, limit: 10).map(\.alert.id) == [alerts[2].id])
        // Another sink's deliveries are untouched.
        #expect(try store.pendingDeliveries(sink: "webhook", dueAt: nil, limit: 10).count == 2)
        // A failure reported after delivery changes nothing.
        let state = try store.markFailed(
            alertID: alerts[0].id, sink: "file", at: Kit.at(hours: 4), error: "late", nextAttempt: Kit.at(hours: 5),
            giveUpAfter: nil)
        #expect(state == .delivered)
    }

    @Test func failedDeliveriesWaitForTheirNextAttemptThenGiveUpAfter24Hours() throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        let (store, alerts) = try storeWithAlerts(kit)
        let first = alerts[0]  // detected at t0
        let s1 = try store.markFailed(
            alertID: first.id, sink: "webhook", at: Kit.at(hours: 1), error: "HTTP 503",
            nextAttempt: Kit.at(hours: 1.5), giveUpAfter: 24 * 3600)
        #expect(s1 == .pending)
        // Not due yet at 1h15m, due at 1h30m.
        #expect(try store.pendingDeliveries(sink: "webhook", dueAt: Kit.at(hours: 1.25), limit: 10).map(\.alert.id)
            == [alerts[2].id])
        let due = try store.pendingDeliveries(sink: "webhook", dueAt: Kit.at(hours: 1.5), limit: 10)
        #expect(due.map(\.alert.id) == [first.id, alerts[2].id])
        #expect(due.first?.attempts == 1 && due.first?.lastError == "HTTP 503")
        // Ignoring attempt times (run --once) shows everything owed.
        #expect(try store.pendingDeliveries(sink: "webhook", dueAt: nil, limit: 10).count == 2)

        let s2 = try store.markFailed(
            alertID: first.id, sink: "webhook", at: Kit.at(hours: 23.9), error: "timeout",
            nextAttempt: Kit.at(hours: 25), giveUpAfter: 24 * 3600)
        #expect(s2 == .pending)
        let s3 = try store.markFailed(
            alertID: first.id, sink: "webhook", at: Kit.at(hours: 24), error: "timeout",
            nextAttempt: Kit.at(hours: 26), giveUpAfter: 24 * 3600)
        #expect(s3 == .givenUp)
        #expect(try store.pendingDeliveries(sink: "webhook", dueAt: nil, limit: 10).map(\.alert.id) == [alerts[2].id])
        #expect(try store.sinkSummaries().first { $0.sink == "webhook" } == SinkSummary(sink: "webhook", pending: 1, givenUp: 1))
        // The file sink never gives up.
        let f = try store.markFailed(
            alertID: first.id, sink: "file", at: Kit.at(hours: 100), error: "disk full", nextAttempt: Kit.at(hours: 101),
            giveUpAfter: nil)
        #expect(f == .pending)
    }

    @Test func unknownDeliveryIsAnError() throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        let (store, _) = try storeWithAlerts(kit)
        #expect(throws: StoreError.self) {
            try store.markFailed(
                alertID: "nope", sink: "file", at: Kit.at(hours: 1), error: "x", nextAttempt: Kit.at(hours: 2),
                giveUpAfter: nil)
        }
    }

    @Test func alertsByDetectionTimeAndTotals() throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        let (store, alerts) = try storeWithAlerts(kit)
        #expect(try store.alerts(detectedFrom: Kit.at(hours: 0.5), to: Kit.at(hours: 2)) == Array(alerts[1...]))
        let totals = try store.totals(alertsSince: Kit.at(hours: 1))
        #expect(totals == StoreTotals(feeds: 1, failing: 0, items: 3, alertsSince: 2))
    }
}
