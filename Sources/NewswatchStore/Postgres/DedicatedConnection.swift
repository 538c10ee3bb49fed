import Foundation
import Logging
import PostgresNIO

/// A connection of its own, outside the store's pool, for a session-level advisory lock (``LeaderLock``,
/// ``StorePresence``): the lock lives exactly as long as this one session, so the pool's coming and going connections
/// cannot hold it.
enum DedicatedConnection {
    /// The logger of a lock holder: errors only (an unreachable server is an answer the caller reports itself).
    static func quietLogger(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = .error
        return logger
    }

    /// Closes `connection` without waiting (from a `deinit` or a synchronous path): PostgresNIO asserts that a
    /// connection is closed before it goes, and the close keeps it alive until done.
    static func closeInBackground(_ connection: PostgresConnection) {
        connection.close().whenComplete { _ in _ = connection }
    }

    /// Connects with the store's session settings, naming the session `applicationName` in `pg_stat_activity` when
    /// given; `closed` is called when the connection closes for any reason (the server ended the session, the network
    /// dropped, or we closed it).
    static func open(
        _ location: PostgresLocation, id: Int, applicationName: String? = nil, logger: Logger,
        closed: @escaping @Sendable (PostgresConnection) -> Void
    ) async throws -> PostgresConnection {
        var configuration = location.connectionConfiguration
        if let applicationName {
            configuration.options.additionalStartupParameters.append(("application_name", applicationName))
        }
        let connection = try await PostgresConnection.connect(configuration: configuration, id: id, logger: logger)
        connection.closeFuture.whenComplete { _ in closed(connection) }
        return connection
    }

    /// Runs `body` on `connection`, closing the connection (which fails the body's query) when it takes longer than
    /// `limit`: a server that stopped answering must not keep a lock holder believing it holds the lock, nor stall a
    /// shutdown.
    static func withDeadline<T: Sendable>(
        _ connection: PostgresConnection, _ limit: Duration, doing: String,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body(connection) }
            group.addTask {
                try? await Task.sleep(for: limit)
                if !Task.isCancelled { try? await connection.close() }
                return nil
            }
            defer { group.cancelAll() }
            guard let result = try await group.next(), let value = result else {
                throw StoreError(.database, "\(doing): the server did not answer within \(limit)")
            }
            return value
        }
    }
}
