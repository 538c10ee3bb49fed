import Foundation
import GRDB
import NewswatchCore
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

@Suite struct MigrationTests {
    @Test func freshFileIsWALAndFullyMigrated() throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        let store = try kit.open()
        #expect(try store.appliedMigrations() == SQLiteStore.migrator.migrations)
        let (mode, sync) = try store.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(mode == "wal")
        #expect(sync == 1)  // NORMAL
    }

    @Test func reopeningAnExistingFileKeepsItsData() throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        do {
            let store = try kit.open()
            _ = try store.ingest(Kit.batch(at: Kit.at(hours: 0), items: [Kit.item("1", "Gaza x", published: Kit.at(hours: 0))]))
        }
        let store = try kit.open()
        #expect(try store.itemCounts()[Kit.feed(1).key] == 1)
        #expect(try store.pendingDeliveries(sink: "file", dueAt: nil, limit: 10).count == 1)
    }

    @Test func fileWithOnlyTheFirstMigrationIsUpgradedInPlace() throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        try FileManager.default.createDirectory(
            at: kit.dir.file("state"), withIntermediateDirectories: true)
        let first = try #require(SQLiteStore.migrator.migrations.first)
        do {
            let pool = try DatabasePool(path: kit.path)
            try SQLiteStore.migrator.migrate(pool, upTo: first)
            try pool.write { db in
                try db.execute(sql: "INSERT INTO feeds(key, name, url) VALUES ('k', 'Old feed', NULL)")
            }
        }
        let store = try kit.open()
        #expect(try store.appliedMigrations() == SQLiteStore.migrator.migrations)
        #expect(try store.feedState(key: "k")?.name == "Old feed")
    }

    @Test func version1MatchesAndSuppressedStoriesSurviveTheUpgrade() throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        try FileManager.default.createDirectory(at: kit.dir.file("state"), withIntermediateDirectories: true)
        let first = try #require(SQLiteStore.migrator.migrations.first)
        let t = Kit.at(hours: 0).timeIntervalSince1970
        do {
            let pool = try DatabasePool(path: kit.path)
            try SQLiteStore.migrator.migrate(pool, upTo: first)
            try pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO feeds(id, key, name, url, first_success) VALUES (1, ?, 'Feed 1', ?, ?);
                        INSERT INTO stories(id, key, first_seen) VALUES (1, 's-old', ?), (2, 's-new', ?);
                        INSERT INTO items(id, feed_id, story_id, guid, link, norm_link, revision, title, published,
                            undated, first_seen, last_seen)
                        VALUES (1, 1, 1, 'a', 'https://feed1.example/a', 'https://feed1.example/a', 'r1',
                                'Gaza envoy in Cairo for truce talks', ?, 0, ?, ?),
                               (2, 1, 2, 'b', 'https://feed1.example/b', 'https://feed1.example/b', 'r2',
                                'Israel and Gaza talks', ?, 0, ?, ?);
                        INSERT INTO matches(item_id, topic, terms, fields, matched_at, at_first_seen) VALUES
                            (1, 'gaza', '["gaza"]', '["title"]', ?, 1),
                            (2, 'israel', '["israel"]', '["title"]', ?, 1),
                            (2, 'gaza', '["gaza","Gaza Strip"]', '["title","summary"]', ?, 1),
                            (2, 'quiet', '["ceasefire"]', '["summary"]', ? + 60, 0);
                        INSERT INTO story_topics(story_id, topic, state) VALUES (1, 'gaza', 2);
                        """,
                    arguments: [Kit.feed(1).key, Kit.feed(1).key, t, t, t, t - 86400, t, t, t, t, t, t, t, t, t])
            }
        }
        let store = try kit.open()
        #expect(try store.appliedMigrations() == SQLiteStore.migrator.migrations)
        let matched = try store.matchedItems(firstSeenFrom: Kit.at(hours: -1), to: Kit.at(hours: 1))
        #expect(matched.map { "\($0.story)/\($0.topic)" } == ["s-old/gaza", "s-new/gaza", "s-new/israel"])
        #expect(matched[1].terms == ["gaza", "Gaza Strip"] && matched[1].fields == [.title, .summary])
        let rematch = try store.read { db in try String.fetchAll(db, sql: "SELECT matches FROM item_rematches") }
        #expect(rematch == ["quiet\u{1F}s\u{1F}ceasefire"])
        #expect(try store.read { db in try db.tableExists("matches") } == false)
        // The old suppressed row still holds: a later copy of that story in an established feed does not alert,
        // while a new story in the same fetch does.
        _ = try store.ingest(Kit.batch(feed: Kit.feed(2), at: Kit.at(hours: 0.5), items: []))
        let copy = Kit.item(
            "c", "Gaza envoy in Cairo for truce talks", link: "https://feed2.example/envoy",
            published: Kit.at(hours: 1))
        let fresh = Kit.item(
            "d", "Gaza hospital loses power", link: "https://feed2.example/power", published: Kit.at(hours: 1))
        let r = try store.ingest(Kit.batch(feed: Kit.feed(2), at: Kit.at(hours: 1), items: [copy, fresh]))
        #expect(r.newItems == 2)
        #expect(r.alerts.map(\.title) == ["Gaza hospital loses power"])
    }

    @Test func commitsAreCheckpointedInTheBackground() throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        let store = try kit.open()
        let items = (0..<200).map { i in
            Kit.item("\(i)", "Gaza item \(i) " + String(repeating: "x", count: 400), link: "https://feed1.example/\(i)",
                published: Kit.at(hours: -1))
        }
        _ = try store.ingest(Kit.batch(at: Kit.at(hours: 0), items: items))
        try #require(store.checkpointer != nil)
        store.checkpointer?.waitUntilIdle()
        // The items reached the database file itself (only checkpoints write it), with the writer's automatic
        // checkpoint far from its threshold.
        let size = try FileManager.default.attributesOfItem(atPath: kit.path)[.size] as? Int ?? 0
        #expect(size > 200 * 400)
    }

    @Test func fileFromANewerVersionIsRefused() throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        _ = try kit.open()
        let pool = try DatabasePool(path: kit.path)
        try pool.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations(identifier) VALUES ('v99-from-the-future')")
        }
        #expect {
            try kit.open()
        } throws: { ($0 as? StoreError)?.kind == .schemaTooNew }
        #expect {
            try SQLiteStore(path: kit.path, options: .init(readOnly: true))
        } throws: { ($0 as? StoreError)?.kind == .schemaTooNew }
    }

    @Test func readOnlyOpenNeedsAnExistingMigratedFile() throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        #expect {
            try SQLiteStore(path: kit.path, options: .init(readOnly: true))
        } throws: { ($0 as? StoreError)?.kind == .notInitialised }
        #expect(!FileManager.default.fileExists(atPath: kit.path))
        _ = try kit.open()
        let ro = try SQLiteStore(path: kit.path, options: .init(readOnly: true))
        #expect(try ro.feedStates(includeInactive: true).isEmpty)
        #expect { try ro.syncFeeds([Kit.feed(1)], at: Kit.at(hours: 0)) } throws: {
            ($0 as? StoreError)?.kind == .invalidArgument
        }
    }

    @Test func ingestLookupsUseIndexes() throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        let store = try kit.open()
        let plans = try store.read { db -> [String] in
            let queries = [
                "SELECT id FROM items WHERE norm_link IN ('a','b')",
                "SELECT id FROM items WHERE feed_id = 1 AND guid IN ('a','b')",
                "SELECT id FROM items WHERE feed_id = 1 AND content_key IN ('a','b')",
                "SELECT COUNT(DISTINCT feed_id) FROM items WHERE story_id = 1",
                "SELECT state FROM story_topics WHERE story_id = 1 AND topic = 'x'",
                "SELECT id FROM items WHERE first_seen >= 1 AND first_seen < 2",
                "SELECT matches FROM items WHERE story_id = 1 AND held_back = 1 AND matches IS NOT NULL",
                "SELECT matches FROM item_rematches WHERE item_id = 1",
            ]
            return try queries.map { q in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + q).map { $0["detail"] as String }.joined(separator: "; ")
            }
        }
        for plan in plans {
            #expect(
                !plan.contains("SCAN items") && !plan.contains("SCAN story_topics")
                    && !plan.contains("SCAN item_rematches"), "\(plan)")
        }
    }
}
