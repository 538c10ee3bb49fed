import Foundation
import Logging
import PostgresNIO

/// Who is polling a shared PostgreSQL store, as the server sees it (CONTRACT §9): every running daemon holds one
/// advisory lock in shared mode, and `run --once`, which polls every feed whatever its lease, holds it exclusively.
///
/// So `run --once` cannot start while a daemon runs, a daemon cannot claim feeds while `run --once` runs, and two
/// `run --once` cannot overlap, without comparing anyone's clock: the lock is a session-level
/// `pg_try_advisory_lock[_shared]` on a dedicated connection, and the server releases it when the holder exits, is
/// killed, or its host vanishes (the session's keepalives end it within about 30 s). Never waits on the lock: an
/// attempt answers at once, and the caller decides whether to wait, retry or refuse. Through a pooler in transaction
/// mode (PgBouncer) a session lock means nothing: connect directly.
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

    /// Where the store lives.
    public nonisolated let location: PostgresLocation
    /// How this holder takes the lock.
    public nonisolated let mode: Mode
    /// The advisory lock key.
    public nonisolated let key: Int64
    private let logger: Logger
    private var connection: PostgresConnection?
    private var held = false

    /// A holder that holds nothing yet; ``acquire()`` takes the lock.
    public init(location: PostgresLocation, mode: Mode, key: Int64 = StorePresence.defaultKey) {
        self.location = location
        self.mode = mode
        self.key = key
        var logger = Logger(label: "newswatch.store.presence")
        logger.logLevel = .error
        self.logger = logger
    }

    deinit {
        // The connection must be closed before it goes (PostgresNIO asserts it); the close keeps it alive until done.
        if let connection { connection.close().whenComplete { _ in _ = connection } }
    }

    /// Whether the lock is held (as far as this holder knows: a closed connection has already released it).
    public var isHeld: Bool { held }

    /// Takes the lock unless it is held already (then no query is sent): connects if needed and tries once. Returns
    /// whether it is held afterwards; `false` means another holder's mode excludes this one now.
    public func acquire() async throws -> Bool {
        if held, let connection, !connection.isClosed { return true }
        await release()
        let connection = try await PostgresConnection.connect(
            configuration: location.connectionConfiguration, id: 2, logger: logger)
        connection.closeFuture.whenComplete { [weak self] _ in
            guard let self else { return }
            Task { await self.closed(connection) }
        }
        let statement: PostgresQuery =
            switch mode {
            case .shared: "SELECT pg_try_advisory_lock_shared(\(key))"
            case .exclusive: "SELECT pg_try_advisory_lock(\(key))"
            }
        do {
            let taken = try await connection.query(statement, logger: logger).collect().first?.decode(Bool.self)
            guard taken == true else {
                try? await connection.close()
                return false
            }
        } catch {
            try? await connection.close()
            throw StoreError(.database, "store presence lock: \(PostgresStore.describe(error))")
        }
        self.connection = connection
        held = true
        return true
    }

    /// Gives the lock up: unlocks, then closes the dedicated connection. The unlock answers once the lock is free; a
    /// bare close would free it only when the server's session process has ended, a moment later.
    public func release() async {
        let wasHeld = held
        held = false
        guard let connection else { return }
        self.connection = nil
        if wasHeld, !connection.isClosed {
            _ = try? await connection.query("SELECT pg_advisory_unlock_all()", logger: logger).collect()
        }
        try? await connection.close()
    }

    /// The server process id of the dedicated connection, `nil` without one (for tests that end the session).
    func backendPID() async throws -> Int32? {
        guard let connection else { return nil }
        return try await connection.query("SELECT pg_backend_pid()", logger: logger).collect().first?.decode(
            Int32.self)
    }

    /// The connection closed under us (the server ended the session, the network dropped): the lock is gone.
    private func closed(_ closed: PostgresConnection) {
        guard connection === closed else { return }
        connection = nil
        held = false
    }
}
