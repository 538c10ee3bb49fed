import Foundation
import Logging
import PostgresNIO

/// Who is polling a shared PostgreSQL store, as the server sees it (CONTRACT §9): every running daemon holds one
/// advisory lock in shared mode, and `run --once`, which polls every feed whatever its lease, holds it exclusively.
///
/// So `run --once` cannot start while a daemon runs, a daemon cannot claim feeds while `run --once` runs, and two
/// `run --once` cannot overlap, without comparing anyone's clock: the lock is a session-level
/// `pg_try_advisory_lock[_shared]` on a dedicated connection, and the server releases it when the holder exits, is
/// killed, or its host vanishes (the session's keepalives end it within about 30 s). A holder checks every
/// ``checkInterval`` that its session still answers (a server that restarted or failed over has no lock for it, and
/// the connection to a dead host may never close on our side); the claim itself checks the lock on the server too
/// (``PostgresStore/claimDueFeeds(owner:now:lease:limit:)``). Never waits on the lock: an attempt answers at once, and
/// the caller decides whether to wait, retry or refuse. Through a pooler in transaction mode (PgBouncer) a session
/// lock means nothing: connect directly.
public actor StorePresence {
    /// How the lock is held.
    public enum Mode: Sendable {
        /// A running daemon: any number hold it together.
        case shared
        /// `run --once`: alone, and only while no daemon holds it.
        case exclusive
    }

    /// The advisory lock key ("nwpresen"), apart from the leader's.
    public static let defaultKey: Int64 = 0x6E77_7072_6573_656E
    /// How long a held lock is trusted before its session is asked again whether it is alive.
    public static let checkInterval: Duration = .seconds(5)
    /// How long a liveness check, a lock attempt or the unlock may take before the connection is given up.
    static let answerLimit: Duration = .seconds(3)

    /// Where the store lives.
    public nonisolated let location: PostgresLocation
    /// How this holder takes the lock.
    public nonisolated let mode: Mode
    /// The advisory lock key.
    public nonisolated let key: Int64
    /// The session's `application_name`, which names the holder in `pg_stat_activity` (``holders()``).
    public nonisolated let applicationName: String
    private let logger: Logger
    private var connection: PostgresConnection?
    private var held = false
    private var checked = ContinuousClock.now
    private var acquiring = false
    /// Bumped by every release: an attempt that resumes after one does not take the lock back.
    private var generation = 0
    /// How many times a held lock was found gone (its session ended, or stopped answering).
    public private(set) var losses = 0

    /// A holder that holds nothing yet; ``acquire()`` takes the lock.
    public init(
        location: PostgresLocation, mode: Mode, applicationName: String, key: Int64 = StorePresence.defaultKey
    ) {
        self.location = location
        self.mode = mode
        self.key = key
        self.applicationName = String(applicationName.prefix(63))
        logger = DedicatedConnection.quietLogger("newswatch.store.presence")
    }

    deinit {
        if let connection { DedicatedConnection.closeInBackground(connection) }
    }

    /// Whether the lock is held (as far as this holder knows: see ``acquire()``).
    public var isHeld: Bool { held }

    /// Takes the lock unless it is held already; a held lock whose session was last heard from more than
    /// ``checkInterval`` ago is checked first, and taken again on a new session if it was gone. Returns whether it is
    /// held afterwards; `false` means another holder's mode excludes this one now (or an attempt is already under
    /// way). Throws when the server cannot be reached.
    public func acquire() async throws -> Bool {
        guard !acquiring else { return held }
        acquiring = true
        defer { acquiring = false }
        if held, let connection {
            if ContinuousClock.now - checked < Self.checkInterval { return true }
            if (try? await answer(connection, "SELECT true")) == true, held {
                checked = .now
                return true
            }
            lost(connection)
        }
        let generation = self.generation
        let connection = try await openConnection()
        let statement: PostgresQuery =
            switch mode {
            case .shared: "SELECT pg_try_advisory_lock_shared(\(key))"
            case .exclusive: "SELECT pg_try_advisory_lock(\(key))"
            }
        let taken: Bool
        do {
            taken = try await answer(connection, statement)
        } catch {
            await drop()
            throw StoreError(.database, "store presence lock: \(PostgresStore.describe(error))")
        }
        guard generation == self.generation, self.connection === connection else {
            // Released (or lost) while the attempt ran: whatever the server granted goes with the session.
            if self.connection === connection { await drop() }
            return false
        }
        held = taken
        checked = .now
        return taken
    }

    /// Gives the lock up: unlocks (within ``answerLimit``), then closes the dedicated connection. The unlock answers
    /// once the lock is free; a bare close would free it only when the server's session process has ended.
    public func release() async {
        generation += 1
        if held, let connection, !connection.isClosed {
            _ = try? await answer(connection, "SELECT pg_advisory_unlock_all() IS NULL")
        }
        await drop()
    }

    /// The sessions holding the lock in the mode that excludes this holder: their `application_name` and since when
    /// the session exists, for a log line that says who keeps it out.
    public func holders() async throws -> [(name: String, since: Date)] {
        guard let connection, !connection.isClosed else { return [] }
        let query = Self.holdersQuery(key: key, mode: mode == .shared ? .exclusive : .shared)
        let rows = try await DedicatedConnection.withDeadline(connection, Self.answerLimit, doing: "lock holders") {
            [logger] connection in
            try await connection.query(query, logger: logger).collect()
        }
        return try Self.holders(rows)
    }

    /// The sessions holding the presence lock `key` in `mode`, oldest first: `application_name` and the session's
    /// start (`pg_locks` joined with `pg_stat_activity`, in the current database).
    static func holdersQuery(key: Int64, mode: Mode) -> PostgresQuery {
        let lockMode = mode == .exclusive ? "ExclusiveLock" : "ShareLock"
        return """
            SELECT a.application_name, extract(epoch FROM a.backend_start)::float8
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.mode = \(lockMode)
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND ((l.classid::bigint << 32) | l.objid::bigint) = \(key) AND l.objsubid = 1
            ORDER BY a.backend_start
            """
    }

    /// The rows of ``holdersQuery(key:mode:)``.
    static func holders(_ rows: [PostgresRow]) throws -> [(name: String, since: Date)] {
        try rows.map {
            let (name, since) = try $0.decode((String, Double).self)
            return (name: name, since: Date(timeIntervalSince1970: since))
        }
    }

    /// The server process id of the dedicated connection, `nil` without one (for tests that end the session).
    func backendPID() async throws -> Int32? {
        guard let connection else { return nil }
        return try await connection.query("SELECT pg_backend_pid()", logger: logger).collect().first?.decode(
            Int32.self)
    }

    /// The dedicated connection, kept after a refused attempt so a retry asks again on the same session.
    private func openConnection() async throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        await drop()
        let connection = try await DedicatedConnection.open(
            location, id: 2, applicationName: applicationName, logger: logger
        ) { [weak self] closed in
            guard let self else { return }
            Task { await self.closed(closed) }
        }
        self.connection = connection
        return connection
    }

    /// One boolean from `statement` within ``answerLimit``.
    private func answer(_ connection: PostgresConnection, _ statement: PostgresQuery) async throws -> Bool {
        try await DedicatedConnection.withDeadline(connection, Self.answerLimit, doing: "store presence lock") {
            [logger] connection in
            try await connection.query(statement, logger: logger).collect().first?.decode(Bool.self) ?? false
        }
    }

    /// The connection closed under us (the server ended the session, the network dropped): the lock is gone.
    private func closed(_ closed: PostgresConnection) {
        guard connection === closed else { return }
        lost(closed)
    }

    private func lost(_ gone: PostgresConnection) {
        if held { losses += 1 }
        held = false
        if connection === gone {
            connection = nil
            DedicatedConnection.closeInBackground(gone)
        }
    }

    private func drop() async {
        held = false
        guard let connection else { return }
        self.connection = nil
        try? await connection.close()
    }
}
