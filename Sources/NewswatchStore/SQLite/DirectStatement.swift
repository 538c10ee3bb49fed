import GRDB
import GRDBSQLite

/// A statement of GRDB's cache bound and stepped through SQLite's C API: for the writer's per-item `INSERT`s.
///
/// Through GRDB's `execute(arguments:)` each value is boxed into a `DatabaseValue`, the arguments validated and
/// copied, every text bound in a closure of its own and measured again by SQLite (`strlen`), and the statement
/// passed to GRDB's observation hooks: for the item `INSERT` about as much CPU as its `sqlite3_step` (issue 18).
/// Here values are bound by index, texts with their byte length and without a copy (`SQLITE_STATIC`, inside the
/// closures that keep them alive until the step is done), and the bindings are cleared after each run.
///
/// Bypassing GRDB's hooks is sound only for a statement that neither begins nor ends a transaction or savepoint,
/// changes no schema and returns no row, in a store that observes no table's changes (its one transaction observer,
/// `afterNextTransaction`, watches commits, which GRDB sees from SQLite's commit hook). A text is bound with its
/// full length, where GRDB's binding (and so every look-up by that text) stops at a NUL: no text the writer binds
/// holds one — parsed values hold no control character (`ParsedFeed+Safety`, `TextCleaner`), `match_text` is JSON
/// (escaped), `matches` uses only the bytes 0x1D–0x1F as separators, keys are hex — and debug builds assert it.
struct DirectStatement {
    private let db: Database
    private let statement: Statement
    private var s: SQLiteStatement { statement.sqliteStatement }

    init(_ db: Database, sql: String) throws {
        self.db = db
        statement = try db.cachedStatement(sql: sql)
    }

    /// Resets the statement, lets `body` bind and `step()`, then clears the bindings (none may outlive its text).
    func run(_ body: (DirectStatement) throws -> Void) throws {
        sqlite3_reset(s)
        defer {
            sqlite3_reset(s)
            sqlite3_clear_bindings(s)
        }
        try body(self)
    }

    func bind(_ value: Int64, at index: Int32) throws {
        try check(sqlite3_bind_int64(s, index, value))
    }

    func bind(_ value: Int64?, at index: Int32) throws {
        try check(value.map { sqlite3_bind_int64(s, index, $0) } ?? sqlite3_bind_null(s, index))
    }

    func bind(_ value: Bool, at index: Int32) throws {
        try check(sqlite3_bind_int64(s, index, value ? 1 : 0))
    }

    /// Binds `text` (NULL when `nil`) at `index` without a copy, for the duration of `body`: `step()` must run inside
    /// `body` (a small string's bytes are a copy that lives only as long as the call).
    func withText(_ text: String?, at index: Int32, _ body: () throws -> Void) throws {
        guard var text else {
            try check(sqlite3_bind_null(s, index))
            return try body()
        }
        try text.withUTF8 { bytes in
            assert(!bytes.contains(0), "a text with a NUL byte would be stored whole but looked up cut at it")
            // A nil destructor is SQLITE_STATIC: SQLite reads the bytes in place until the bindings are cleared. An
            // empty buffer may have no address, which SQLite would bind as NULL: bind "" as a copy instead.
            let code =
                bytes.isEmpty
                ? sqlite3_bind_text(s, index, "", 0, Self.transientDestructor)
                : bytes.withMemoryRebound(to: CChar.self) {
                    sqlite3_bind_text64(s, index, $0.baseAddress, sqlite3_uint64(bytes.count), nil, UInt8(SQLITE_UTF8))
                }
            try check(code)
            try body()
        }
    }

    /// Runs the statement to its end.
    func step() throws {
        let code = sqlite3_step(s)
        guard code == SQLITE_DONE else { throw failure(code) }
    }

    private func check(_ code: Int32) throws {
        guard code == SQLITE_OK else { throw failure(code) }
    }

    private func failure(_ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage, sql: statement.sql)
    }

    /// `SQLITE_TRANSIENT`, which the C header spells as a cast Swift does not import.
    private static let transientDestructor = unsafeBitCast(
        OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
}
