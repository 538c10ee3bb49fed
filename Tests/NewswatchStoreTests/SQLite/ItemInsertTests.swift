import Foundation
import GRDB
import NewswatchTestSupport
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// Issue 18 (the serial writer): the item `INSERT` binds through SQLite's C API instead of GRDB's arguments. Every
/// row it stores must equal the row GRDB's general path stores for the same values.
@Suite struct ItemInsertTests {
    /// Texts that bind differently: nil, empty, small (inline in the `String`), long, non-ASCII, JSON.
    private static let texts: [String?] = [
        nil, "", "a", "fifteen bytes!!", "sixteen bytes!!!", "Gaza — “ceasefire” talks",
        String(repeating: "long summary text ", count: 40), "{\"t\":[\"gaza\"],\"s\":\"é\\u00e9\"}", "日本語のニュース",
        "https://example.com/a/b?x=1#f", String(repeating: "é", count: 3000),
    ]

    @Test func theCPathStoresWhatGRDBStores() throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        let store = try kit.open()
        var random = SplitMix(seed: 18)
        var rows: [ItemInsert] = []
        for _ in 0..<300 {
            rows.append(
                ItemInsert(
                    feedID: 1, storyID: Int64(random.below(3) + 1), guid: random.pick(Self.texts),
                    link: random.pick(Self.texts), normLink: random.pick(Self.texts),
                    contentKey: random.pick(Self.texts), revision: random.pick(Self.texts) ?? "rev",
                    title: random.pick(Self.texts), summary: random.pick(Self.texts),
                    published: Int64(bitPattern: random.next()) >> 20, undated: random.below(2) == 0,
                    updated: random.below(2) == 0 ? nil : Int64(random.below(1 << 40)),
                    firstSeen: Int64(random.below(1 << 40)), lastSeen: Int64(random.below(1 << 40)),
                    matches: random.pick(Self.texts), heldBack: random.below(2) == 0, matchText: random.pick(Self.texts)
                ))
        }
        let (fast, general) = try store.write { db in
            try db.execute(sql: "INSERT INTO feeds(id, key, name) VALUES (1, 'f', 'F')")
            try db.execute(sql: "INSERT INTO stories(id, key, first_seen) VALUES (1, 'a', 0), (2, 'b', 0), (3, 'c', 0)")
            var fast: [Row] = []
            var general: [Row] = []
            // Interleaved, on the one cached statement both paths share.
            for row in rows {
                try row.execute(in: db)
                fast.append(try Self.stored(db.lastInsertedRowID, db))
                try row.executeThroughGRDB(in: db)
                general.append(try Self.stored(db.lastInsertedRowID, db))
            }
            return (fast, general)
        }
        #expect(fast.count == rows.count)
        for (i, (a, b)) in zip(fast, general).enumerated() {
            #expect(a == b, "row \(i): \(a) against \(b)")
        }
        // Empty texts stay empty texts, not NULL.
        #expect(fast.contains { $0["guid"] as String? == "" })
    }

    @Test func aFailedInsertThrowsAndLeavesTheStatementUsable() throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        let store = try kit.open()
        var row = ItemInsert(
            feedID: 1, storyID: 99, guid: "g", link: nil, normLink: nil, contentKey: nil, revision: "r", title: "t",
            summary: nil, published: 0, undated: false, updated: nil, firstSeen: 0, lastSeen: 0, matches: nil,
            heldBack: false, matchText: nil)
        let count = try store.write { db in
            try db.execute(sql: "INSERT INTO feeds(id, key, name) VALUES (1, 'f', 'F')")
            try db.execute(sql: "INSERT INTO stories(id, key, first_seen) VALUES (1, 'a', 0)")
            // Story 99 does not exist: the foreign key fails the step.
            #expect(throws: DatabaseError.self) { try row.execute(in: db) }
            row.storyID = 1
            try row.execute(in: db)
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM items")
        }
        #expect(count == 1)
    }

    @Test func aStoryRowIsStoredAsThroughGRDB() throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        let store = try kit.open()
        let sql = "INSERT INTO stories(key, first_seen) VALUES (?, ?)"
        let rows = try store.write { db in
            for (n, key) in Self.texts.compactMap({ $0 }).enumerated() {
                try DirectStatement(db, sql: sql).run { s in
                    try s.bind(Int64(n), at: 2)
                    try s.withText(key, at: 1, s.step)
                }
                try db.cachedStatement(sql: sql).execute(arguments: [key, Int64(n)])
            }
            return try Row.fetchAll(db, sql: "SELECT key, typeof(key), first_seen FROM stories ORDER BY id")
        }
        #expect(rows.count == 2 * Self.texts.compactMap { $0 }.count)
        for pair in stride(from: 0, to: rows.count, by: 2) {
            #expect(rows[pair] == rows[pair + 1])
        }
    }

    private static func stored(_ id: Int64, _ db: Database) throws -> Row {
        try #require(
            try Row.fetchOne(
                db,
                sql: """
                    SELECT feed_id, story_id, guid, link, norm_link, content_key, revision, title, summary, published,
                        undated, updated, first_seen, last_seen, matches, held_back, match_text,
                        typeof(guid), typeof(summary), typeof(updated), typeof(undated), typeof(match_text)
                    FROM items WHERE id = ?
                    """, arguments: [id]))
    }
}
