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
            ]
            return try queries.map { q in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + q).map { $0["detail"] as String }.joined(separator: "; ")
            }
        }
        for plan in plans {
            #expect(!plan.contains("SCAN items") && !plan.contains("SCAN story_topics"), "\(plan)")
        }
    }
}
