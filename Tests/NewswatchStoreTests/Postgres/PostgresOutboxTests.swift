import Foundation
import NewswatchCore
import NewswatchTestSupport
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// The outbox on a real PostgreSQL 15: alerts made once per (story, topic) whichever daemon commits first, and
/// deliveries claimed by one daemon at a time.
@Suite struct PostgresOutboxTests {
    static func alert(story: String, topic: String = "gaza", detected: Date = Kit.at(hours: 0)) -> Alert {
        Alert(
            id: ContentHash.hex(fields: ["alert", story, topic]), topic: topic, topicName: "Gaza", priority: .high,
            title: "Gaza \(story)", link: "https://x.example/\(story)", feed: "Feed 1", feedURL: Kit.feed(1).url,
            published: detected.addingTimeInterval(-60), detected: detected, terms: ["gaza", "strip"],
            summary: "s", story: story, sources: 1)
    }

    /// Inserts alerts as an ingest would, one transaction.
    @discardableResult
    static func insert(
        _ alerts: [Alert], into store: PostgresStore, sinks: [SinkRoute] = [.file, SinkRoute(id: "webhook")]
    )
        async throws -> [Bool]
    {
        try await store.transaction("test insert") { c in
            var made: [Bool] = []
            for a in alerts {
                made.append(try await PostgresStore.insertAlert(a, sinks: sinks, c, logger: store.logger))
            }
            return made
        }
    }

    private static func open() async throws -> PostgresStore {
        try await PostgresStore(location: PostgresLocation(url: try PostgresCluster.makeDatabase()))
    }

    @Test func pendingDeliveredFailedAndGivenUpAsInSQLite() async throws {
        let store = try await Self.open()
        let a1 = Self.alert(story: "s1")
        let a2 = Self.alert(story: "s2", detected: Kit.at(hours: 1))
        #expect(try await Self.insert([a1, a2], into: store) == [true, true])
        #expect(try await Self.insert([a1], into: store) == [false])
        let pending = try await store.pendingDeliveries(sink: "file", dueAt: Kit.at(hours: 1), limit: 10)
        #expect(pending.map(\.alert) == [a1, a2] && pending.allSatisfy { $0.attempts == 0 && $0.lastError == nil })
        #expect(
            try await store.pendingDeliveries(sink: "file", dueAt: Kit.at(hours: 0.5), limit: 10).map(\.alert) == [a1])

        try await store.markDelivered(alertIDs: [a1.id, "unknown"], sink: "file", at: Kit.at(hours: 1))
        #expect(try await store.pendingDeliveries(sink: "file", dueAt: nil, limit: 10).map(\.alert) == [a2])
        #expect(try await store.pendingDeliveries(sink: "webhook", dueAt: nil, limit: 10).count == 2)

        let retry = try await store.markFailed(
            alertID: a1.id, sink: "webhook", at: Kit.at(hours: 1), error: "HTTP 500", nextAttempt: Kit.at(hours: 2),
            giveUpAfter: 3 * 3600)
        #expect(retry == .pending)
        let failed = try await store.pendingDeliveries(sink: "webhook", dueAt: nil, limit: 10)
        #expect(
            failed.first { $0.alert == a1 }?.attempts == 1 && failed.first { $0.alert == a1 }?.lastError == "HTTP 500")
        #expect(
            try await store.pendingDeliveries(sink: "webhook", dueAt: Kit.at(hours: 1.5), limit: 10).map(\.alert) == [
                a2
            ])
        let gaveUp = try await store.markFailed(
            alertID: a1.id, sink: "webhook", at: Kit.at(hours: 3), error: "HTTP 500", nextAttempt: Kit.at(hours: 4),
            giveUpAfter: 3 * 3600)
        #expect(gaveUp == .givenUp)
        #expect(
            try await store.markFailed(
                alertID: a1.id, sink: "file", at: Kit.at(hours: 3), error: "x", nextAttempt: Kit.at(hours: 4),
                giveUpAfter: nil) == .delivered)
        #expect(
            try await store.sinkSummaries() == [
                SinkSummary(sink: "file", pending: 1, givenUp: 0), SinkSummary(sink: "webhook", pending: 1, givenUp: 1),
            ])
        let unknown = try await #require(throws: StoreError.self) {
            try await store.markFailed(
                alertID: "nope", sink: "file", at: Kit.at(hours: 3), error: "x", nextAttempt: Kit.at(hours: 4),
                giveUpAfter: nil)
        }
        #expect(unknown.kind == .invalidArgument)
        await store.close()
    }

    @Test func aSinkThatDoesNotWantTheTopicGetsNoDelivery() async throws {
        let store = try await Self.open()
        try await Self.insert(
            [Self.alert(story: "s1")], into: store, sinks: [.file, SinkRoute(id: "desk", topics: ["other"])])
        #expect(try await store.pendingDeliveries(sink: "desk", dueAt: nil, limit: 10).isEmpty)
        #expect(try await store.pendingDeliveries(sink: "file", dueAt: nil, limit: 10).count == 1)
        await store.close()
    }

    @Test func twoDaemonsCommittingOneStoryTopicAtOnceAlertOnce() async throws {
        let url = try PostgresCluster.makeDatabase()
        let a = try await PostgresStore(location: PostgresLocation(url: url))
        let b = try await PostgresStore(location: PostgresLocation(url: url))
        // 50 rounds: both daemons insert the same (story, topic) in concurrent transactions; exactly one wins each.
        for round in 0..<50 {
            let alert = Self.alert(story: "story-\(round)")
            let made = try await withThrowingTaskGroup(of: Bool.self) { group in
                for store in [a, b] { group.addTask { try await Self.insert([alert], into: store)[0] } }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(made.filter { $0 }.count == 1 && made.count == 2, "round \(round)")
        }
        #expect(try await a.pendingDeliveries(sink: "file", dueAt: nil, limit: 1000).count == 50)
        #expect(try await b.pendingDeliveries(sink: "webhook", dueAt: nil, limit: 1000).count == 50)
        await a.close()
        await b.close()
    }

    /// A daemon's own unfinished claims come back to it (renewed), after every unclaimed row: a re-read after a
    /// success sends the rest at once instead of leaving it until the claim expires, and rows it holds (a batch
    /// being gathered) never crowd new rows out of a page.
    @Test func ownClaimsComeBackRenewedAfterTheUnclaimedOnes() async throws {
        let url = try PostgresCluster.makeDatabase()
        let a = try await PostgresStore(location: PostgresLocation(url: url))
        try await Self.insert((0..<6).map { Self.alert(story: "s\($0)") }, into: a)
        let t = Kit.at(hours: 0)
        let first = try await a.claimDeliveries(sink: "file", owner: "a", now: t, lease: 60, limit: 3)
        #expect(first.count == 3)
        // A page of three 10 s later: the three unclaimed rows, not its own.
        let second = try await a.claimDeliveries(
            sink: "file", owner: "a", now: t.addingTimeInterval(10), lease: 60, limit: 3)
        #expect(Set(second.map(\.alert.id)).isDisjoint(with: first.map(\.alert.id)) && second.count == 3)
        // 50 s after the first: all six come back to it, their claims renewed to t + 110.
        let again = try await a.claimDeliveries(
            sink: "file", owner: "a", now: t.addingTimeInterval(50), lease: 60, limit: 6)
        #expect(Set(again.map(\.alert.id)) == Set((first + second).map(\.alert.id)))
        // Another daemon finds nothing until t + 110 (the renewed claims), everything at t + 110.
        #expect(
            try await a.claimDeliveries(sink: "file", owner: "b", now: t.addingTimeInterval(109), lease: 60, limit: 9)
                .isEmpty)
        #expect(
            try await a.claimDeliveries(sink: "file", owner: "b", now: t.addingTimeInterval(110), lease: 60, limit: 9)
                .count == 6)
        await a.close()
    }

    @Test func deliveriesAreClaimedByOneDaemonAtATimeAndPassOnAfterExpiry() async throws {
        let url = try PostgresCluster.makeDatabase()
        let a = try await PostgresStore(location: PostgresLocation(url: url))
        let b = try await PostgresStore(location: PostgresLocation(url: url))
        try await Self.insert((0..<60).map { Self.alert(story: "s\($0)") }, into: a)
        let t = Kit.at(hours: 0)
        let claims = try await withThrowingTaskGroup(of: [PendingDelivery].self) { group in
            for (store, owner) in [(a, "a"), (b, "b"), (a, "a2"), (b, "b2")] {
                group.addTask {
                    // Its own claims come back after the unclaimed ones: done when a page brings nothing new.
                    var mine: [PendingDelivery] = []
                    while true {
                        let got = try await store.claimDeliveries(
                            sink: "file", owner: owner, now: t, lease: 60, limit: 4)
                        let new = got.filter { g in !mine.contains { $0.alert.id == g.alert.id } }
                        if new.isEmpty { return mine }
                        mine += new
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(claims.count == 60 && Set(claims.map(\.alert.id)).count == 60)
        // Nothing is claimable again until the claims expire; then an unfinished one passes to another daemon.
        #expect(
            try await b.claimDeliveries(sink: "file", owner: "c", now: t.addingTimeInterval(59), lease: 60, limit: 100)
                .isEmpty)
        try await a.markDelivered(alertIDs: claims.dropFirst().map(\.alert.id), sink: "file", at: t)
        let passed = try await b.claimDeliveries(
            sink: "file", owner: "c", now: t.addingTimeInterval(60), lease: 60, limit: 100)
        #expect(passed.map(\.alert.id) == [claims[0].alert.id])
        // A failure ends the claim; the retry is claimable when due.
        try await b.markFailed(
            alertID: claims[0].alert.id, sink: "file", at: t.addingTimeInterval(61), error: "disk full",
            nextAttempt: t.addingTimeInterval(90), giveUpAfter: nil)
        #expect(
            try await a.claimDeliveries(sink: "file", owner: "a", now: t.addingTimeInterval(89), lease: 60, limit: 100)
                .isEmpty)
        let retry = try await a.claimDeliveries(
            sink: "file", owner: "a", now: t.addingTimeInterval(90), lease: 60, limit: 100)
        #expect(retry.map(\.attempts) == [1] && retry.first?.lastError == "disk full")
        await a.close()
        await b.close()
    }
}
