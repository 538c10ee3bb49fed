import Foundation
import GRDB
import NewswatchCore
import NewswatchTestSupport
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// A SQLite state copied into an empty PostgreSQL database (`store migrate`, CONTRACT §9), on a real PostgreSQL 15.
@Suite struct StateImportTests {
    /// A SQLite state with rows in every table: items and stories of two feeds, alerts (one deleted, so the alert
    /// sequence is ahead of the highest row), deliveries in every state, a rematch, a failure, a verdict, an
    /// escalation, a spike, an open incident and operator events with their outbox.
    static func filledSQLite(_ kit: StoreTestKit) async throws -> SQLiteStore {
        let store = try kit.open()
        try store.syncFeeds([Kit.feed(1), Kit.feed(2)], at: Kit.at(hours: -2))
        _ = try await store.ingest(Kit.batch(at: Kit.at(hours: -1), items: [Kit.item("0", "Old news")]))
        let first = try await store.ingest(
            Kit.batch(
                at: Kit.t0,
                items: [
                    Kit.item("1", "Gaza talks resume", link: "https://x.example/1", published: Kit.t0),
                    Kit.item("2", "Israel cabinet meets", published: Kit.at(hours: -0.5), summary: "ceasefire"),
                    Kit.item("3", "Weather", published: Kit.t0),
                ], etag: "e1", bodyHash: "h1"))
        #expect(first.alerts.count == 2)
        // The same story from feed 2 (a second source), and an edit that matches again.
        _ = try await store.ingest(
            Kit.batch(
                feed: Kit.feed(2), at: Kit.at(hours: 1),
                items: [Kit.item("9", "Gaza talks resume", link: "https://x.example/1", published: Kit.t0)]))
        _ = try await store.ingest(
            Kit.batch(
                at: Kit.at(hours: 2),
                items: [Kit.item("3", "Weather over Gaza", published: Kit.t0)]))
        try store.recordFailure(
            FeedFailure(
                key: Kit.feed(2).key, at: Kit.at(hours: 3), kind: "http", message: "HTTP 503", httpStatus: 503,
                retryAfter: Kit.at(hours: 4)))
        try store.setSchedule(
            key: Kit.feed(1).key,
            FeedSchedule(nextDue: Kit.at(hours: 3), retryAfter: nil, ttlFloor: 60, maxAgeFloor: 600.5))
        let ids = first.alerts.map(\.id)
        try store.markDelivered(alertIDs: [ids[0]], sink: "file", at: Kit.at(hours: 1))
        try store.markFailed(
            alertID: ids[0], sink: "webhook", at: Kit.at(hours: 1), error: "HTTP 500", nextAttempt: Kit.at(hours: 2),
            giveUpAfter: 60)
        try store.recordVerdict(Verdict(alertID: ids[1], relevant: false, note: "off topic", at: Kit.at(hours: 2)))
        // A `max_per_hour` hold with the alert it held back (its summary still owed).
        let held = try store.admitToSink(
            alertID: ids[1], sink: "webhook", topic: first.alerts[1].topic, at: Kit.at(hours: 2), limit: 0,
            window: 3600)
        #expect(held == false)
        let routes = [EventRoute(id: "webhook", kinds: [])]
        _ = try store.raiseEvent(
            OperatorEvent(
                id: "feed_down-1", kind: .feedDown, feed: "Feed 2", url: Kit.feed(2).url, since: Kit.at(hours: 3),
                error: "HTTP 503", at: Kit.at(hours: 3)), subject: "feed:\(Kit.feed(2).key)", routes: routes)
        try await store.write { db in
            try db.execute(
                sql: """
                    INSERT INTO alerts(alert_id, story_key, topic, topic_name, priority, feed, detected, terms, sources,
                        kind, previous_sources, items_last_hour, baseline)
                    VALUES ('spike-x', 'topic:israel', 'israel', 'Israel', 'normal', 'Feed 1', ?, '[]', 1, 'spike',
                        NULL, 12, 2.25)
                    """, arguments: [Kit.at(hours: 3).storeSeconds])
            try db.execute(
                sql: "INSERT INTO spikes(topic, at, alert_id) VALUES ('israel', ?, 'spike-x')",
                arguments: [Kit.at(hours: 3).storeSeconds])
            try db.execute(
                sql:
                    "INSERT INTO escalations(story_key, topic, threshold, alert_id, at) VALUES (?, 'gaza', 3, 'u1', ?)",
                arguments: [first.alerts[0].story, Kit.at(hours: 3).storeSeconds])
            try db.execute(sql: "DELETE FROM alerts WHERE alert_id = 'spike-x'")
        }
        return store
    }

    @Test func everyTableIsCopiedFieldByFieldAndIdentitiesContinue() async throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        let sqlite = try await Self.filledSQLite(kit)
        let target = try await PostgresStore(location: PostgresLocation(url: try PostgresCluster.makeDatabase()))
        let summary = try await target.importState(from: sqlite, batchRows: 2)  // several batches per table

        for table in PostgresStore.importTables {
            let (columns, rows) = try sqlite.dumpTable(table)
            let keys = try sqlite.read { db in
                try Row.fetchAll(db, sql: "PRAGMA table_info(\"\(table)\")").filter { ($0["pk"] as Int) > 0 }
                    .sorted { ($0["pk"] as Int) < ($1["pk"] as Int) }.map { $0["name"] as String }
            }
            #expect(try await target.dumpTable(table, columns: columns, order: keys) == rows, "\(table)")
            #expect(summary.rows(table) == rows.count, "\(table)")
            let filled = ["feeds", "stories", "items", "alerts", "deliveries", "fetch_events", "operator_events"]
            if (filled + ["sink_holds"]).contains(table) {
                #expect(!rows.isEmpty, "\(table) has rows to copy")
            }
        }
        #expect(summary.tables.map(\.table) == PostgresStore.importTables)
        // What the store reads back through its own methods is the same too.
        #expect(try await target.feedStates(includeInactive: true) == (try sqlite.feedStates(includeInactive: true)))
        #expect(
            try await target.fetchFailures(from: Kit.at(hours: -10), to: Kit.at(hours: 10))
                == (try sqlite.fetchFailures(from: Kit.at(hours: -10), to: Kit.at(hours: 10))))
        #expect(try await target.itemCounts() == (try sqlite.itemCounts()))
        // The next alert gets a sequence number SQLite never gave (the deleted spike's included); feeds got hosts.
        let sqliteSequence = try sqlite.read { db in
            try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'alerts'")
        }
        let next = try await target.rows("SELECT nextval(pg_get_serial_sequence('alerts', 'seq'))", "next seq")
        #expect(try next.first?.decode(Int64.self) == (try #require(sqliteSequence)) + 1)
        let hosts = try await target.rows("SELECT DISTINCT host FROM feeds ORDER BY host", "hosts")
        #expect(try hosts.map { try $0.decode(String?.self) } == ["feed1.example", "feed2.example"])
        // A bulk load: the copy has planner statistics before the first daemon plans a query on it.
        for table in PlannerStatistics.tables {
            let analyzed = "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = '\(table)'"
            #expect(try await target.count(analyzed) == 1, "\(table)")
        }
        await target.close()
    }

    @Test func aDatabaseWithDataIsRefusedAndLeftAsItWas() async throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        let sqlite = try await Self.filledSQLite(kit)
        let url = try PostgresCluster.makeDatabase()
        let target = try await PostgresStore(location: PostgresLocation(url: url))
        try await target.syncFeeds([Kit.feed(7)], at: Kit.t0)
        let error = await #expect(throws: StoreError.self) { try await target.importState(from: sqlite) }
        #expect(error?.kind == .invalidArgument)
        #expect(error?.message.contains("not empty (feeds hold rows)") == true)
        #expect(try await target.feedStates(includeInactive: true).map(\.key) == [Kit.feed(7).key])
        #expect(try await target.itemCounts() == [Kit.feed(7).key: 0])
        await target.close()
    }

    static func attempt(_ body: () async throws -> ImportSummary) async -> Result<ImportSummary, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    @Test func twoCopiesAtOnceIntoOneDatabaseLeaveOneCopy() async throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        let sqlite = try await Self.filledSQLite(kit)
        let url = try PostgresCluster.makeDatabase()
        let a = try await PostgresStore(location: PostgresLocation(url: url))
        let b = try await PostgresStore(location: PostgresLocation(url: url))
        async let first = Self.attempt { try await a.importState(from: sqlite) }
        async let second = Self.attempt { try await b.importState(from: sqlite) }
        let results = await [first, second]
        #expect(results.filter { (try? $0.get()) != nil }.count == 1)
        let refused = results.compactMap { result -> StoreError? in
            if case .failure(let error) = result { return error as? StoreError }
            return nil
        }
        #expect(refused.map(\.kind) == [.invalidArgument])
        #expect(try await a.itemCounts() == (try sqlite.itemCounts()))
        await a.close()
        await b.close()
    }
}
