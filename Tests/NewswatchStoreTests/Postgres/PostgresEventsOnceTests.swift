import Foundation
import NewswatchCore
import NewswatchTestSupport
import PostgresNIO
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// Operator events and spikes raised by several daemons at once on one real PostgreSQL 15: once each.
@Suite struct PostgresEventsOnceTests {
    private static func stores(_ n: Int) async throws -> [PostgresStore] {
        let url = try PostgresCluster.makeDatabase()
        var stores: [PostgresStore] = []
        for _ in 0..<n { stores.append(try await PostgresStore(location: PostgresLocation(url: url))) }
        return stores
    }

    private static func event(_ kind: OperatorEventKind, id: String, at: Date) -> OperatorEvent {
        OperatorEvent(
            id: id, kind: kind, feed: "Wire", url: "https://wire.example/rss", since: Kit.t0,
            error: kind == .feedDown ? "HTTP 500" : nil, at: at)
    }

    /// Each of `stores` raises its own copy of one change (its own event id, as daemons with their own clocks
    /// would); how many were stored.
    private static func raiseAtOnce(
        _ stores: [PostgresStore], _ kind: OperatorEventKind, subject: String, round: Int
    ) async throws -> Int {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for (n, store) in stores.enumerated() {
                let event = Self.event(kind, id: "\(kind.rawValue)-\(round)-\(n)", at: Kit.at(hours: Double(round)))
                group.addTask {
                    try await store.raiseEvent(
                        event, subject: subject, routes: [EventRoute(id: "pager", kinds: [.feedDown])])
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
    }

    @Test func daemonsRaisingOneIncidentAtOnceRaiseOneEventAndClaimEachOnce() async throws {
        let stores = try await Self.stores(3)
        for round in 0..<15 {
            let subject = "feed:wire-\(round)"
            #expect(
                try await Self.raiseAtOnce(stores, .feedDown, subject: subject, round: round) == 1, "round \(round)")
            #expect(
                try await Self.raiseAtOnce(stores, .feedRecovered, subject: subject, round: round) == 1,
                "round \(round)")
        }
        #expect(try await stores[0].openIncidents().isEmpty)
        #expect(try await stores[0].count("SELECT count(*) FROM operator_events") == 30)
        #expect(try await stores[1].pendingEvents(sink: "pager", dueAt: nil, limit: 100).count == 15)
        #expect(
            try await stores[2].eventSinkSummaries() == [
                SinkSummary(sink: "file", pending: 30, givenUp: 0), SinkSummary(sink: "pager", pending: 15, givenUp: 0),
            ])

        // Claimed by one daemon at a time; an unfinished claim passes on when it expires.
        let t = Kit.at(hours: 20)
        let claims = try await withThrowingTaskGroup(of: [PendingEvent].self) { group in
            for (n, store) in (stores + stores).enumerated() {
                group.addTask {
                    // Its own claims come back after the unclaimed ones: done when a page brings nothing new.
                    var mine: [PendingEvent] = []
                    while true {
                        let got = try await store.claimEvents(sink: "file", owner: "o\(n)", now: t, lease: 60, limit: 3)
                        let new = got.filter { g in !mine.contains { $0.event.id == g.event.id } }
                        if new.isEmpty { return mine }
                        mine += new
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(claims.count == 30 && Set(claims.map(\.event.id)).count == 30)
        try await stores[0].markEventsDelivered(ids: claims.dropFirst().map(\.event.id), sink: "file", at: t)
        #expect(
            try await stores[1].claimEvents(
                sink: "file", owner: "x", now: t.addingTimeInterval(59), lease: 60, limit: 100
            ).isEmpty)
        let passed = try await stores[1].claimEvents(
            sink: "file", owner: "x", now: t.addingTimeInterval(60), lease: 60, limit: 100)
        #expect(passed.map(\.event.id) == [claims[0].event.id])
        try await stores[1].markEventFailed(
            id: claims[0].event.id, sink: "file", at: t.addingTimeInterval(61), error: "disk full",
            nextAttempt: t.addingTimeInterval(120))
        let retry = try await stores[2].claimEvents(
            sink: "file", owner: "y", now: t.addingTimeInterval(120), lease: 60, limit: 100)
        #expect(retry.map(\.attempts) == [1])
        for store in stores { await store.close() }
    }

    @Test func daemonsCheckingASpikeSecondsApartRaiseOne() async throws {
        let stores = try await Self.stores(4)
        // Six gaza items in the last hour, none before: a spike for `spike_factor = 3, spike_min_items = 5`.
        let matches = try #require(StoredMatch.encode([StoredMatch(topic: "gaza", terms: ["gaza"], fields: [.title])]))
        let seen = Kit.at(hours: -0.5).storeSeconds
        try await stores[0].transaction("seed items") { c -> Void in
            try await c.query("INSERT INTO feeds(key, name) VALUES ('f1', 'Feed 1')", logger: stores[0].logger)
            try await c.query("INSERT INTO stories(key, first_seen) VALUES ('s', \(seen))", logger: stores[0].logger)
            try await c.query(
                """
                INSERT INTO items(feed_id, story_id, revision, published, undated, first_seen, last_seen, matches)
                SELECT (SELECT id FROM feeds), (SELECT id FROM stories), 'r' || n, \(seen), false, \(seen), \(seen),
                    \(matches)
                FROM generate_series(1, 6) AS n
                """, logger: stores[0].logger)
        }
        let made = try await withThrowingTaskGroup(of: [Alert].self) { group in
            for (n, store) in stores.enumerated() {
                group.addTask {
                    try await store.raiseSpikes(
                        topics: SpikeTests.topics, sinks: [.file, SinkRoute(id: "webhook")],
                        now: Kit.t0.addingTimeInterval(Double(n)))
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        try #require(made.count == 1)
        #expect(made[0].kind == .spike && made[0].extra.itemsLastHour == 6 && made[0].extra.baseline == 0)
        #expect(try await stores[1].count("SELECT count(*) FROM spikes") == 1)
        #expect(try await stores[1].count("SELECT count(*) FROM alerts") == 1)
        #expect(try await stores[2].pendingDeliveries(sink: "webhook", dueAt: nil, limit: 10).map(\.alert) == made)
        // Within six hours nothing more, whichever daemon looks.
        #expect(
            try await stores[3].raiseSpikes(topics: SpikeTests.topics, sinks: [.file], now: Kit.at(hours: 0.2)).isEmpty)
        for store in stores { await store.close() }
    }
}
