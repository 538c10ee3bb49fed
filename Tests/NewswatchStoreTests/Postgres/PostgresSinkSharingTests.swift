import Foundation
import NewswatchCore
import NewswatchTestSupport
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit
private typealias Outbox = PostgresOutboxTests

/// What sinks of several daemons share on a real PostgreSQL 15: email batches read unclaimed and claimed at send
/// time, and one `max_per_hour` count per sink and topic.
@Suite struct PostgresSinkSharingTests {
    /// Two daemons' stores on one fresh database, claiming for `a` and `b` with a 60-second lease.
    static func pair() async throws -> (PostgresStore, PostgresStore) {
        let url = try PostgresCluster.makeDatabase()
        let a = try await PostgresStore(
            location: PostgresLocation(url: url), claims: DeliveryClaims(owner: "a", lease: 60))
        let b = try await PostgresStore(
            location: PostgresLocation(url: url), claims: DeliveryClaims(owner: "b", lease: 60))
        return (a, b)
    }

    @Test func aBatchIsReadUnclaimedAndClaimedByOneDaemonToSend() async throws {
        let (a, b) = try await Self.pair()
        let alerts = (0..<3).map { Outbox.alert(story: "s\($0)") }
        try await Outbox.insert(alerts, into: a)
        let ids = alerts.map(\.id)
        let t = Kit.at(hours: 0)
        // Reading claims nothing: both daemons see the whole batch, again and again.
        for store in [a, b, a] {
            #expect(try await store.unclaimedDeliveries(sink: "webhook", dueAt: t, limit: 10).map(\.alert) == alerts)
        }
        // Both claim at once to send: each alert goes to exactly one of them.
        let claimed = try await withThrowingTaskGroup(of: (Int, Set<String>).self) { group in
            for (i, store) in [a, b].enumerated() {
                group.addTask { (i, try await store.claimForSending(alertIDs: ids, sink: "webhook", at: t)) }
            }
            return try await group.reduce(into: [Set<String>](repeating: [], count: 2)) { $0[$1.0] = $1.1 }
        }
        #expect(claimed[0].isDisjoint(with: claimed[1]) && claimed[0].union(claimed[1]) == Set(ids))
        let (holder, other) = claimed[0].count == 3 ? (a, b) : (b, a)
        #expect(claimed.map(\.count).sorted() == [0, 3], "a claim takes the whole batch here: \(claimed)")
        // While the holder's claim lasts, the other daemon neither reads nor claims the batch; the holder may renew.
        #expect(try await other.unclaimedDeliveries(sink: "webhook", dueAt: t, limit: 10).isEmpty)
        #expect(try await other.claimForSending(alertIDs: ids, sink: "webhook", at: t.addingTimeInterval(59)).isEmpty)
        #expect(
            try await holder.claimForSending(alertIDs: ids, sink: "webhook", at: t.addingTimeInterval(30)) == Set(ids))
        // The holder dies: its claim expires and the batch passes on; one delivered alert is gone for good.
        try await holder.markDelivered(alertIDs: [ids[0]], sink: "webhook", at: t)
        let passed = try await other.claimForSending(alertIDs: ids, sink: "webhook", at: t.addingTimeInterval(90))
        #expect(passed == Set(ids.dropFirst()))
        // A store without claims (a tool) answers what is still owed.
        let tool = try await PostgresStore(location: a.location)
        #expect(try await tool.claimForSending(alertIDs: ids, sink: "webhook", at: t) == Set(ids.dropFirst()))
        for store in [a, b, tool] { await store.close() }
    }

    @Test func maxPerHourIsOneCountForEveryDaemon() async throws {
        let (a, b) = try await Self.pair()
        let gaza = (0..<12).map { Outbox.alert(story: "g\($0)") }
        let other = Outbox.alert(story: "o1", topic: "israel")
        let later = (0..<2).map { Outbox.alert(story: "later\($0)") }
        try await Outbox.insert(gaza + [other] + later, into: a)
        let t = Kit.at(hours: 0)
        // Both daemons ask for every gaza alert at the same moment: five places in the hour, five admitted.
        let admitted = try await withThrowingTaskGroup(of: (String, Bool).self) { group in
            for alert in gaza {
                for store in [a, b] {
                    group.addTask {
                        let fits = try await store.admitToSink(
                            alertID: alert.id, sink: "webhook", topic: "gaza", at: t, limit: 5, window: 3600)
                        return (alert.id, try #require(fits as Bool?))
                    }
                }
            }
            return try await group.reduce(into: [String: [Bool]]()) { $0[$1.0, default: []].append($1.1) }
        }
        let yes = admitted.filter { $0.value.contains(true) }
        #expect(yes.count == 5, "\(admitted)")
        // An alert admitted once stays admitted when asked again (a retry, or the other daemon); another topic and
        // another sink have their own count.
        for id in yes.keys {
            #expect(
                try await b.admitToSink(alertID: id, sink: "webhook", topic: "gaza", at: t, limit: 5, window: 3600)
                    == true)
        }
        #expect(
            try await a.admitToSink(
                alertID: other.id, sink: "webhook", topic: "israel", at: t, limit: 5, window: 3600) == true)
        #expect(
            try await a.admitToSink(alertID: gaza[11].id, sink: "file", topic: "gaza", at: t, limit: 5, window: 3600)
                == true)
        // A refused alert stays refused when asked again; the topic is held for the sink for one window from the
        // first refusal, for both daemons; then it starts afresh.
        let refused = try #require(admitted.first { !$0.value.contains(true) }?.key)
        #expect(
            try await a.admitToSink(alertID: refused, sink: "webhook", topic: "gaza", at: t, limit: 5, window: 3600)
                == false)
        #expect(
            try await b.admitToSink(
                alertID: later[0].id, sink: "webhook", topic: "gaza", at: t.addingTimeInterval(3599), limit: 5,
                window: 3600) == false)
        #expect(
            try await b.admitToSink(
                alertID: later[1].id, sink: "webhook", topic: "gaza", at: t.addingTimeInterval(3600), limit: 5,
                window: 3600) == true)
        // The ended hold is claimed by one daemon, with what both held back; summarized, it is nobody's any more.
        let end = t.addingTimeInterval(3600)
        #expect(try await a.claimEndedHolds(sink: "webhook", at: end.addingTimeInterval(-1)).isEmpty)
        let holds = try await a.claimEndedHolds(sink: "webhook", at: end)
        #expect(holds.count == 1 && holds.first?.topic == "gaza" && holds.first?.topicName == "Gaza")
        #expect(holds.first?.heldBack == 8 && holds.first?.sampleTitles.count == 5, "\(holds)")
        #expect(holds.first?.since == t && holds.first?.until == end)
        #expect(try await b.claimEndedHolds(sink: "webhook", at: end).isEmpty)
        try await a.markHoldSummarized(sink: "webhook", topic: "gaza", since: t, at: end)
        #expect(try await b.claimEndedHolds(sink: "webhook", at: end.addingTimeInterval(600)).isEmpty)
        await a.close()
        await b.close()
    }

    /// SQLite counts in the store too (one daemon), so holds outlast a reload; it claims nothing.
    @Test func sqliteCountsInTheStoreAndClaimsNothing() throws {
        let kit = try StoreTestKit()
        defer { kit.dir.remove() }
        let store = try kit.open()
        let t = Kit.at(hours: 0)
        // No delivery row for the sink: nothing to count.
        #expect(
            try store.admitToSink(alertID: "x", sink: "webhook", topic: "gaza", at: t, limit: 1, window: 3600) == true)
        #expect(try store.claimForSending(alertIDs: ["x"], sink: "webhook", at: t).isEmpty)
        #expect(try store.unclaimedDeliveries(sink: "webhook", dueAt: t, limit: 10).isEmpty)
        #expect(try store.claimEndedHolds(sink: "webhook", at: t).isEmpty)
    }
}
