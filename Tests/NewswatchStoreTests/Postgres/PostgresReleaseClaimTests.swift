import Foundation
import NewswatchCore
import NewswatchTestSupport
import PostgresNIO
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// Timed deliveries claimed by several daemons on one real PostgreSQL 15: each batch goes whole to one daemon, once;
/// a dead daemon's batch passes on whole when its claim expires.
@Suite struct PostgresReleaseClaimTests {
    /// A topic whose alerts go to non-file sinks in 15-minute batches.
    static func batched(_ id: String) -> TopicDefinition {
        var topic = TopicDefinition(id: id, name: id, query: id, priority: .normal)
        topic.delivery = TopicDelivery(mode: .batch, batchPeriod: 900)
        return topic
    }

    /// Stores alerts with their delivery rows and batch timing, as the ingest does (one transaction).
    static func seed(_ store: PostgresStore, _ alerts: [(story: String, topic: String, detected: Date)]) async throws {
        try await store.transaction("seed") { c -> Void in
            for a in alerts {
                let alert = PostgresOutboxTests.alert(story: a.story, topic: a.topic, detected: a.detected)
                let release = batched(a.topic).delivery.release(at: alert.detected, priority: .normal)
                let made = try await PostgresStore.insertAlert(
                    alert, sinks: [.file, SinkRoute(id: "webhook")], release: release, c, logger: store.logger)
                #expect(made)
            }
        }
    }

    /// The (topic, release instant) of each batch in `rows`, with its row count.
    static func batches(_ rows: [PendingDelivery]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in rows {
            counts["\(row.alert.topic)@\(row.release?.notBefore.timeIntervalSince1970 ?? -1)", default: 0] += 1
        }
        return counts
    }

    @Test func concurrentClaimersTakeEachBatchWholeAndOnce() async throws {
        let url = try PostgresCluster.makeDatabase()
        let a = try await PostgresStore(location: PostgresLocation(url: url))
        let b = try await PostgresStore(location: PostgresLocation(url: url))
        // 30 batches of 3: two topics × 15 periods.
        var alerts: [(story: String, topic: String, detected: Date)] = []
        for period in 0..<15 {
            for topic in ["gaza", "israel"] {
                for i in 0..<3 {
                    alerts.append(
                        ("\(topic)-\(period)-\(i)", topic, Kit.t0.addingTimeInterval(Double(period * 900 + i * 10))))
                }
            }
        }
        try await Self.seed(a, alerts)
        let now = Kit.t0.addingTimeInterval(20 * 900)
        #expect(try await a.pendingDeliveries(sink: "webhook", dueAt: nil, limit: 1000).isEmpty, "timed rows wait")
        #expect(try await a.releasedDeliveries(sink: "webhook", at: now, attemptsDue: true, limit: 1000).count == 90)

        // Four claimers, each sending what it claims (limit 4: one batch of 3 per claim).
        let calls = try await withThrowingTaskGroup(of: [[PendingDelivery]].self) { group in
            for (store, owner) in [(a, "a"), (b, "b"), (a, "a2"), (b, "b2")] {
                group.addTask {
                    var mine: [[PendingDelivery]] = []
                    while true {
                        let got = try await store.claimReleasedDeliveries(
                            sink: "webhook", owner: owner, now: now, lease: 60, attemptsDue: true, limit: 4)
                        if got.isEmpty { return mine }
                        mine.append(got)
                        try await store.markDelivered(alertIDs: got.map(\.alert.id), sink: "webhook", at: now)
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let rows = calls.flatMap { $0 }
        #expect(rows.count == 90 && Set(rows.map(\.alert.id)).count == 90, "every row once")
        #expect(
            calls.count == 30 && calls.allSatisfy { Self.batches($0).values.sorted() == [3] },
            "one whole batch per claim")
        #expect(Set(calls.flatMap { Self.batches($0).keys }).count == 30)
        #expect(try await b.releasedDeliveries(sink: "webhook", at: now, attemptsDue: false, limit: 1000).isEmpty)
        await a.close()
        await b.close()
    }

    @Test func aDeadClaimersBatchPassesOnWholeAndALateRowWaitsForItsOwner() async throws {
        let url = try PostgresCluster.makeDatabase()
        let a = try await PostgresStore(location: PostgresLocation(url: url))
        let b = try await PostgresStore(location: PostgresLocation(url: url))
        try await Self.seed(a, [("s1", "gaza", Kit.t0), ("s2", "gaza", Kit.t0.addingTimeInterval(60))])
        let end = Kit.t0.addingTimeInterval(900)
        let first = try await a.claimReleasedDeliveries(
            sink: "webhook", owner: "dead", now: end, lease: 60, attemptsDue: true, limit: 100)
        #expect(first.count == 2 && first.allSatisfy { $0.release?.notBefore == end && $0.release?.hold == .batch })
        // A poll that fetched before the period ended commits a third alert into the same batch.
        try await Self.seed(b, [("s3", "gaza", Kit.t0.addingTimeInterval(800))])
        #expect(
            try await b.claimReleasedDeliveries(
                sink: "webhook", owner: "b", now: end.addingTimeInterval(30), lease: 60, attemptsDue: true, limit: 100
            ).isEmpty, "the batch is held by its owner, the late row too")
        let renewed = try await a.claimReleasedDeliveries(
            sink: "webhook", owner: "dead", now: end.addingTimeInterval(30), lease: 60, attemptsDue: true, limit: 100)
        #expect(renewed.map(\.alert.story) == ["s1", "s2", "s3"])
        // The owner dies: nothing passes before its claim ends, then the whole batch does.
        #expect(
            try await b.claimReleasedDeliveries(
                sink: "webhook", owner: "b", now: end.addingTimeInterval(89), lease: 60, attemptsDue: true, limit: 100
            ).isEmpty)
        let passed = try await b.claimReleasedDeliveries(
            sink: "webhook", owner: "b", now: end.addingTimeInterval(90), lease: 60, attemptsDue: true, limit: 100)
        #expect(passed.map(\.alert.story) == ["s1", "s2", "s3"])
        // A failed batch is recorded whole and ends the claim; its retry is claimable when due.
        let states = try await b.markFailed(
            passed.map { (alertID: $0.alert.id, nextAttempt: end.addingTimeInterval(200)) }, sink: "webhook",
            at: end.addingTimeInterval(91), error: "HTTP 503", giveUpAfter: 900)
        #expect(states == [.pending, .pending, .pending])
        #expect(
            try await a.claimReleasedDeliveries(
                sink: "webhook", owner: "a", now: end.addingTimeInterval(199), lease: 60, attemptsDue: true, limit: 100
            ).isEmpty)
        let retry = try await a.claimReleasedDeliveries(
            sink: "webhook", owner: "a", now: end.addingTimeInterval(200), lease: 60, attemptsDue: true, limit: 100)
        #expect(retry.map(\.attempts) == [1, 1, 1] && retry.allSatisfy { $0.lastError == "HTTP 503" })
        #expect(try await a.nextRelease(sink: "webhook", after: Kit.t0) == end)
        #expect(
            try await a.deliveryTimings(at: Kit.t0) == [
                SinkTiming(sink: "webhook", held: 0, batched: 3, nextBatch: end)
            ])
        await a.close()
        await b.close()
    }

    @Test func aBatchLargerThanTheLimitIsCutAsSQLiteCutsIt() async throws {
        let store = try await PostgresStore(location: PostgresLocation(url: try PostgresCluster.makeDatabase()))
        try await Self.seed(store, (0..<5).map { ("s\($0)", "gaza", Kit.t0.addingTimeInterval(Double($0))) })
        let end = Kit.t0.addingTimeInterval(900)
        let got = try await store.claimReleasedDeliveries(
            sink: "webhook", owner: "a", now: end, lease: 60, attemptsDue: true, limit: 2)
        #expect(got.map(\.alert.story) == ["s0", "s1"])
        #expect(
            try await store.claimReleasedDeliveries(
                sink: "webhook", owner: "a", now: end, lease: 60, attemptsDue: true, limit: 0
            ).isEmpty)
        await store.close()
    }
}

/// `nextRelease` on PostgreSQL, as NextReleaseStoreTests' `itUsesTheTimedIndex` for SQLite: the drain's lookup goes
/// through the `deliveries_timed` index, never a scan of the outbox.
@Suite struct PostgresNextReleasePlanTests {
    @Test func itUsesTheTimedIndex() async throws {
        let store = try await PostgresStore(location: PostgresLocation(url: try PostgresCluster.makeDatabase()))
        let query = PostgresStore.nextReleaseQuery(sink: "webhook", after: Date(timeIntervalSince1970: 0))
        // An empty table costs nothing to scan: forbid plain scans, so the plan shows which index serves the query.
        let plan = try await store.transaction("explain") { c -> [String] in
            try await c.query("SET LOCAL enable_seqscan = off", logger: store.logger)
            return try await c.rows(
                PostgresQuery(unsafeSQL: "EXPLAIN " + query.sql, binds: query.binds), logger: store.logger
            )
            .map { try $0.decode(String.self) }
        }
        #expect(plan.contains { $0.contains("deliveries_timed") }, "\(plan)")
        #expect(!plan.contains { $0.contains("Seq Scan") }, "\(plan)")
        await store.close()
    }
}
