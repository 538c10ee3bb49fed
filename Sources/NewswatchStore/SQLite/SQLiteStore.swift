import Foundation
import GRDB
import NewswatchCore
import NewswatchSystem

/// The SQLite implementation of `Store`: one database file in WAL mode, opened with a `DatabasePool` so readers
/// (`status`, `digest`) never wait for the daemon's writes.
///
/// Times are stored as whole UTC seconds since 1970. Each `ingest` is one write transaction.
public final class SQLiteStore: Store {
    /// How to open the file.
    public struct Options: Sendable {
        /// Open without writing: no migration, no file creation (for `status` beside a running daemon).
        public var readOnly: Bool
        /// How long a statement waits for another process's lock before failing.
        public var busyTimeout: TimeInterval

        public init(readOnly: Bool = false, busyTimeout: TimeInterval = 10) {
            self.readOnly = readOnly
            self.busyTimeout = busyTimeout
        }
    }

    /// Reader connections the pool opens at most: GRDB's default. The daemon holds long reads of its own (the digest
    /// and its catch-up at start, retention's scan of stale items, the status line's counts, a metrics scrape), and
    /// the alert path's reads (the outbox, claims, events) must not wait behind them (review 9: two readers let any
    /// two long reads hold up delivery).
    static let readerCount = 5
    /// Each reader connection's page cache, KiB (SQLite's default is 2,000 KiB; the writer keeps that).
    static let readerCacheKiB = 256

    /// The database file.
    public let path: String
    /// How long a statement waits for another process's lock (for the error that says it gave up).
    let busyTimeout: TimeInterval
    let writer: (any DatabaseWriter)?
    let reader: any DatabaseReader
    // Owner: GRDB's writer — only `ingest` touches the index, inside its write transactions.
    let storyIndex = StoryIndex()
    /// `nil` when read-only.
    let checkpointer: WALCheckpointer?

    /// Opens (creating and migrating if needed) the store at `path`.
    public init(path: String, options: Options = Options()) throws {
        self.path = path
        busyTimeout = options.busyTimeout
        var config = Configuration()
        config.busyMode = .timeout(options.busyTimeout)
        config.foreignKeysEnabled = true
        config.label = "newswatch-store"
        if options.readOnly {
            config.readonly = true
            guard FileManager.default.fileExists(atPath: path) else {
                throw StoreError(.notInitialised, "no database file (has the daemon run yet?)", path: path)
            }
            do {
                let queue = try DatabaseQueue(path: path, configuration: config)
                try queue.read { db in
                    if try Self.migrator.hasBeenSuperseded(db) {
                        throw StoreError(.schemaTooNew, "written by a newer newswatch; upgrade first", path: path)
                    }
                    guard try Self.migrator.hasCompletedMigrations(db) else {
                        throw StoreError(
                            .notInitialised, "database is not migrated yet; run the daemon once", path: path)
                    }
                }
                reader = queue
                writer = nil
                checkpointer = nil
            } catch let error as StoreError {
                throw error
            } catch {
                throw StoreError(.open, "cannot open: \(error)", path: path)
            }
            return
        }
        // Readers with a small page cache instead of SQLite's 2 MiB each (issue 18): in WAL mode a reader's cache is
        // dropped at its next read after any write anyway.
        config.maximumReaderCount = Self.readerCount
        config.prepareDatabase { db in
            if db.configuration.readonly {
                // A count over `items` once a minute filled each reader's cache; the pages it reads again come from
                // the OS's page cache. The writer keeps SQLite's default cache: the ingest is its hot path.
                try db.execute(sql: "PRAGMA cache_size = -\(Self.readerCacheKiB)")
            }
            // WAL + NORMAL: a commit is durable against process crashes (the daemon's threat), and only the last
            // commits can be lost on power loss — never corrupting, never splitting one ingest transaction.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Checkpoints run on their own connection and thread (`WALCheckpointer`; only a short last pass runs on
            // the writer's queue); the writer's own automatic one is only the backstop that bounds the log.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(WALCheckpointer.backstopPages)")
            try db.execute(sql: "PRAGMA journal_size_limit = \(WALCheckpointer.logSizeLimit)")
        }
        let pool: DatabasePool
        do {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw StoreError.sqlite(
                error, path: path, busyTimeout: options.busyTimeout, otherwise: .open, doing: "cannot open")
        }
        do {
            if try pool.read({ try Self.migrator.hasBeenSuperseded($0) }) {
                throw StoreError(.schemaTooNew, "written by a newer newswatch; upgrade first", path: path)
            }
            let redacting = try pool.read {
                try !Self.migrator.appliedIdentifiers($0).contains(Self.redactionMigration)
            }
            try Self.migrator.migrate(pool)
            if redacting {
                // The redaction migration's old rows must not outlive it in the log or in the file's old pages: copy
                // the rewritten pages into the file and empty the log now. Best effort: a reader (`status`) can keep
                // it from finishing, and then the background checkpoints do it later.
                _ = try? pool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.sqlite(
                error, path: path, busyTimeout: options.busyTimeout, otherwise: .migration, doing: "migration failed")
        }
        writer = pool
        reader = pool
        checkpointer = WALCheckpointer(path: path, writer: pool)
    }

    /// The schema versions applied to the file, oldest first.
    public func appliedMigrations() throws -> [String] {
        try read { db in
            let applied = try Self.migrator.appliedIdentifiers(db)
            return Self.migrator.migrations.filter { applied.contains($0) }
        }
    }

    // MARK: Helpers

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try reader.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.sqlite(error, path: path, busyTimeout: busyTimeout)
        }
    }

    /// `write` awaited: the transaction runs on GRDB's writer, no thread waits for it. Its CPU time, the commit
    /// included, counts as the store's (`Offload.storeQueueCPUMicroseconds`, which `run --once` logs).
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        guard let writer else { throw StoreError(.invalidArgument, "store was opened read-only", path: path) }
        let checkpointer = self.checkpointer
        do {
            // GRDB's own `write`, spelled out so that the measurement takes in BEGIN and COMMIT.
            return try await writer.writeWithoutTransaction { db in
                let result = try Offload.measuringStoreCPU {
                    var result: T?
                    try db.inTransaction {
                        result = try body(db)
                        return .commit
                    }
                    guard let result else { throw StoreError(.database, "a write transaction returned nothing") }
                    return result
                }
                // On GRDB's writer queue, not the awaiting cooperative thread: `committed()` can wait for a running
                // checkpoint (its back-pressure), and that wait must hold up the writer only, never the pool.
                checkpointer?.committed()
                return result
            }
        } catch {
            throw storeError(error)
        }
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T {
        guard let writer else { throw StoreError(.invalidArgument, "store was opened read-only", path: path) }
        do {
            let result = try writer.write(body)
            checkpointer?.committed()
            return result
        } catch {
            throw storeError(error)
        }
    }

    /// A failed write as the store reports it: the body's own `StoreError` unchanged, anything else from SQLite.
    private func storeError(_ error: any Error) -> StoreError {
        error as? StoreError ?? StoreError.sqlite(error, path: path, busyTimeout: busyTimeout)
    }
}

extension Date {
    /// Whole seconds since 1970, the store's time unit; clamped to years 1–9999, never trapping on an absurd date.
    var storeSeconds: Int64 { TimeBounds.seconds(of: self) }

    /// Whole seconds, rounded up: for a due time several daemons read from the store (a feed polled at 20.9 s with a
    /// 1 s interval is due at 22, not at 21, a tenth of a second later).
    var storeSecondsRoundedUp: Int64 { TimeBounds.seconds(of: self.addingTimeInterval(0.999_999)) }

    init(storeSeconds: Int64) { self.init(timeIntervalSince1970: TimeInterval(storeSeconds)) }
}
