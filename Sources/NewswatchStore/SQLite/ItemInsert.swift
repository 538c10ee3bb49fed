import GRDB
import GRDBSQLite

/// The `items` row a new item gets, inserted through SQLite's C API on GRDB's cached statement.
///
/// The item `INSERT` is the serial writer's largest cost in a cold round (issue 18): through GRDB's
/// `execute(arguments:)` each of its 17 values was boxed into a `DatabaseValue`, the arguments validated and
/// copied, every text bound in a closure of its own and measured again by SQLite (`strlen` of every summary and
/// match text), and the statement passed to GRDB's observation hooks — about as much CPU as the `sqlite3_step`
/// itself. Here the values are bound by index with their lengths, texts without a copy (`SQLITE_STATIC`, inside
/// the closures that keep them alive until the step is done), and the bindings cleared after it.
///
/// Bypassing GRDB's hooks is sound for this statement only: it neither begins nor ends a transaction or savepoint,
/// changes no schema, and the store observes no table's changes (its one transaction observer,
/// `afterNextTransaction`, watches commits, which GRDB sees from SQLite's commit hook). A text is bound with its
/// full length, where GRDB's binding stops at a NUL: parsed values hold no control character
/// (`ParsedFeed+Safety`), and the stored JSON escapes them.
struct ItemInsert {
    /// One row's values, in the statement's column order.
    var feedID: Int64
    var storyID: Int64
    var guid: String?
    var link: String?
    var normLink: String?
    var contentKey: String?
    var revision: String
    var title: String?
    var summary: String?
    var published: Int64
    var undated: Bool
    var updated: Int64?
    var firstSeen: Int64
    var lastSeen: Int64
    var matches: String?
    var heldBack: Bool
    var matchText: String?

    static let sql = """
        INSERT INTO items(feed_id, story_id, guid, link, norm_link, content_key, revision, title, summary,
            published, undated, updated, first_seen, last_seen, matches, held_back, match_text)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// The same row through GRDB's general path: the reference `execute(in:)` is tested against.
    func executeThroughGRDB(in db: Database) throws {
        try db.cachedStatement(sql: Self.sql).execute(arguments: [
            feedID, storyID, guid, link, normLink, contentKey, revision, title, summary, published, undated, updated,
            firstSeen, lastSeen, matches, heldBack, matchText,
        ])
    }

    /// Inserts the row (`db.lastInsertedRowID` is its id afterwards).
    func execute(in db: Database) throws {
        let statement = try db.cachedStatement(sql: Self.sql)
        let s = statement.sqliteStatement
        sqlite3_reset(s)
        defer {
            // No binding may outlive the texts it points into.
            sqlite3_reset(s)
            sqlite3_clear_bindings(s)
        }
        try Self.check(sqlite3_bind_int64(s, 1, feedID), db)
        try Self.check(sqlite3_bind_int64(s, 2, storyID), db)
        try Self.check(sqlite3_bind_int64(s, 10, published), db)
        try Self.check(sqlite3_bind_int64(s, 13, firstSeen), db)
        try Self.check(sqlite3_bind_int64(s, 14, lastSeen), db)
        try Self.check(sqlite3_bind_int64(s, 11, undated ? 1 : 0), db)
        try Self.check(updated.map { sqlite3_bind_int64(s, 12, $0) } ?? sqlite3_bind_null(s, 12), db)
        try Self.check(sqlite3_bind_int64(s, 16, heldBack ? 1 : 0), db)
        try Self.bind(guid, 3, s, db) {
            try Self.bind(link, 4, s, db) {
                try Self.bind(normLink, 5, s, db) {
                    try Self.bind(contentKey, 6, s, db) {
                        try Self.bind(revision, 7, s, db) {
                            try Self.bind(title, 8, s, db) {
                                try Self.bind(summary, 9, s, db) {
                                    try Self.bind(matches, 15, s, db) {
                                        try Self.bind(matchText, 17, s, db) { try Self.step(s, db) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Binds `text` (NULL when `nil`) at `index` without a copy, for the duration of `body`.
    private static func bind(
        _ text: String?, _ index: Int32, _ s: SQLiteStatement, _ db: Database, _ body: () throws -> Void
    ) throws {
        guard var text else {
            try check(sqlite3_bind_null(s, index), db)
            return try body()
        }
        try text.withUTF8 { bytes in
            try bind(bytes, index, s, db)
            try body()
        }
    }

    private static func bind(
        _ bytes: UnsafeBufferPointer<UInt8>, _ index: Int32, _ s: SQLiteStatement, _ db: Database
    ) throws {
        // A nil destructor is SQLITE_STATIC: SQLite reads the bytes in place until the bindings are cleared. An empty
        // buffer may have no address, which SQLite would bind as NULL: bind "" as a copy instead.
        let code =
            bytes.isEmpty
            ? sqlite3_bind_text(s, index, "", 0, transientDestructor)
            : bytes.withMemoryRebound(to: CChar.self) {
                sqlite3_bind_text64(
                    s, index, $0.baseAddress, sqlite3_uint64(bytes.count), nil, UInt8(SQLITE_UTF8))
            }
        try check(code, db)
    }

    private static func step(_ s: SQLiteStatement, _ db: Database) throws {
        let code = sqlite3_step(s)
        guard code == SQLITE_DONE else { throw failure(code, db) }
    }

    private static func check(_ code: Int32, _ db: Database) throws {
        guard code == SQLITE_OK else { throw failure(code, db) }
    }

    /// `SQLITE_TRANSIENT`, which the C header spells as a cast Swift does not import.
    private static let transientDestructor = unsafeBitCast(
        OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    private static func failure(_ code: Int32, _ db: Database) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage, sql: sql)
    }
}
