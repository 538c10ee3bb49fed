import Foundation
import Logging
import PostgresNIO

/// Leadership among the daemons sharing a PostgreSQL store: the one daemon that writes the digest and runs retention
/// (CONTRACT §9).
///
/// A session-level `pg_try_advisory_lock` held on a dedicated connection (never the pool's, whose connections come
/// and go) for as long as the daemon leads. The server owns the lock, so there is never a second holder: when the
/// leader dies or its connection drops, the server ends the session and releases the lock, and the next attempt of
/// another daemon takes it. ``run()`` attempts every `retryInterval`; a leader notices the loss of its connection at
/// once (the connection's close) or at its next check (a query that fails or outlasts the interval). A leader cut off
/// from the server may still believe it leads until that check while the server has already handed the lock on, so
/// what the leader does must be safe to do twice (the digest is rewritten idempotently, retention deletes what is
/// due). Through a pooler in transaction mode (PgBouncer) a session lock means nothing: connect directly.
public actor LeaderLock {
    /// The advisory lock key every newswatch daemon contends for ("nwleader").
    public static let defaultKey: Int64 = 0x6E77_6C65_6164_6572

    /// Where the store lives.
    public nonisolated let location: PostgresLocation
    /// The advisory lock key.
    public nonisolated let key: Int64
    /// How often ``run()`` tries to acquire the lock, or checks that it still holds it.
    public nonisolated let retryInterval: Duration
    private let logger: Logger
    private var connection: PostgresConnection?
    private var leading = false
    private var attempting = false

    /// A contender that does not lead yet; ``run()`` or ``attempt()`` make it try.
    public init(location: PostgresLocation, key: Int64 = LeaderLock.defaultKey, retryInterval: Duration = .seconds(5)) {
        self.location = location
        self.key = key
        self.retryInterval = retryInterval
        logger = DedicatedConnection.quietLogger("newswatch.store.leader")
    }

    deinit {
        if let connection { DedicatedConnection.closeInBackground(connection) }
    }

    /// Whether this daemon leads now (as far as it knows: see the type's note on a cut-off leader).
    public var isLeader: Bool { leading }

    /// Tries to acquire the lock every `retryInterval` and, while leading, checks that its connection still answers,
    /// until the task is cancelled; then resigns.
    public func run() async {
        while !Task.isCancelled {
            await attempt()
            try? await Task.sleep(for: retryInterval)
        }
        await resign()
    }

    /// One step of ``run()``: a leader checks its connection (losing the lead if it failed), a contender connects if
    /// needed and tries the lock once. Returns whether it leads afterwards. Never throws: an unreachable server means
    /// not leading, and the next attempt tries again.
    @discardableResult
    public func attempt() async -> Bool {
        guard !attempting else { return leading }
        attempting = true
        defer { attempting = false }
        do {
            let connection = try await openConnection()
            let (wasLeading, key, logger) = (leading, key, logger)
            let limit = max(retryInterval, .seconds(1))
            let held = try await DedicatedConnection.withDeadline(connection, limit, doing: "leader lock") {
                connection in
                // A session lock lasts as long as the session: a live connection still holds it.
                if wasLeading {
                    _ = try await connection.query("SELECT 1", logger: logger).collect()
                    return true
                }
                let rows = try await connection.query("SELECT pg_try_advisory_lock(\(key))", logger: logger).collect()
                return try rows.first?.decode(Bool.self) ?? false
            }
            leading = held && self.connection === connection
        } catch {
            logger.debug("leader lock attempt failed: \(PostgresStore.describe(error))")
            await dropConnection()
        }
        return leading
    }

    /// Gives up the lead (or the contention): unlocks, then closes the dedicated connection.
    ///
    /// The unlock comes first because a closed session's locks are released only once its server process has ended,
    /// a moment after the close returns (longer on a loaded server): the next leader's attempt right after this
    /// returns must find the lock free. If the unlock fails, the close still releases the lock.
    public func resign() async {
        let wasLeading = leading
        // Not leading from here on, even while the unlock is under way.
        leading = false
        if wasLeading, let connection, !connection.isClosed {
            let (key, logger, limit) = (key, logger, max(retryInterval, .seconds(1)))
            // A task of its own: a stopping daemon resigns from `run()`'s task once that is cancelled, and in a
            // cancelled task the deadline's timer ends at once, so a server that stopped answering would hold the
            // unlock (and the shutdown) for good.
            await Task {
                _ = try? await DedicatedConnection.withDeadline(connection, limit, doing: "leader unlock") {
                    connection in
                    try await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger).collect()
                }
            }.value
        }
        await dropConnection()
    }

    /// The server process id of the dedicated connection, `nil` without one (for tests that end the session).
    func backendPID() async throws -> Int32? {
        guard let connection else { return nil }
        return try await connection.query("SELECT pg_backend_pid()", logger: logger).collect().first?.decode(
            Int32.self)
    }

    /// Runs `sql` in the dedicated connection's session (tests: to give the session work to do when it ends).
    func executeForTesting(_ sql: String) async throws {
        guard let connection else { return }
        _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect()
    }

    /// The dedicated connection, connecting first if there is none (or it closed); its close ends the lead at once.
    private func openConnection() async throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        await dropConnection()
        let connection = try await DedicatedConnection.open(location, id: 1, logger: logger) { [weak self] closed in
            guard let self else { return }
            Task { await self.closed(closed) }
        }
        self.connection = connection
        return connection
    }

    /// The connection closed under us (the server ended the session, the network dropped): no longer leading.
    private func closed(_ closed: PostgresConnection) {
        guard connection === closed else { return }
        connection = nil
        leading = false
    }

    private func dropConnection() async {
        leading = false
        guard let connection else { return }
        self.connection = nil
        try? await connection.close()
    }
}
