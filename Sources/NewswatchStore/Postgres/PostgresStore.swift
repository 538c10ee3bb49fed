import Foundation
import NewswatchCore
import PostgresNIO

/// The PostgreSQL implementation of the store, for several daemons sharing one database (CONTRACT §9).
///
/// A `Store` with SQLite's semantics, plus what several daemons need: feed leases (`FeedLeaseStore`), the daemon
/// registry, and — when opened with `claims` — outbox reads that claim what they return, so that each delivery and
/// event is attempted by one daemon at a time. Times are whole UTC seconds in `bigint` columns, as in SQLite, passed
/// in by the caller — never the database's `now()` — so daemons and tests agree on the clock.
public final class PostgresStore: Store, FeedLeaseStore {
    /// Where the store lives (its `redacted` form names it in errors).
    public let location: PostgresLocation
    /// When set (a daemon), ``pendingDeliveries(sink:dueAt:limit:)``, ``releasedDeliveries(sink:at:attemptsDue:limit:)``
    /// and ``pendingEvents(sink:dueAt:limit:)`` claim what they return for this owner; `nil` (tools, `status`): reads.
    public let claims: DeliveryClaims?
    let client: PostgresClient
    let logger: Logger
    /// Recent titles, for story assignment; used only under the story lock (`PostgresStoryIndex`).
    let storyIndex = PostgresStoryIndex()
    /// Planner statistics for a fresh database (`PlannerStatistics`).
    let statistics = PlannerStatistics()
    private let runner: Task<Void, Never>

    /// Connects (a pool of at most `maxConnections`) and brings the schema up to date; safe to call from several
    /// daemons at once (migrations take an advisory lock).
    public init(location: PostgresLocation, maxConnections: Int = 8, claims: DeliveryClaims? = nil) async throws {
        self.location = location
        self.claims = claims
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: .disable)
        configuration.options.maximumConnections = maxConnections
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.additionalStartupParameters = PostgresLocation.sessionParameters
        var logger = Logger(label: "newswatch.store.postgres")
        // The pool's own chatter (a lease requested a moment before `run()` starts, connections closed at `close()`)
        // is not the operator's business; failures reach the caller as `StoreError`s.
        logger.logLevel = .error
        self.logger = logger
        try await Self.probe(location, logger: logger)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
        do {
            try await migrate()
        } catch {
            runner.cancel()
            throw error
        }
    }

    /// Connects once outside the pool, so a wrong address, user or password fails at once with the server's words
    /// (the pool would retry for a minute before giving up).
    private static func probe(_ location: PostgresLocation, logger: Logger) async throws {
        do {
            let connection = try await PostgresConnection.connect(
                configuration: location.connectionConfiguration, id: 0, logger: logger)
            try? await connection.close()
        } catch {
            throw StoreError(.open, "cannot connect: \(describe(error))", path: location.redacted)
        }
    }

    /// Closes every connection; the store is unusable afterwards.
    public func close() async {
        runner.cancel()
        await runner.value
    }

    deinit { runner.cancel() }

    /// Runs `body` in one transaction (committed when it returns, rolled back when it throws).
    func transaction<T: Sendable>(
        _ doing: String, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            if let inner = error.closureError as? StoreError { throw inner }
            throw storeError(
                error.closureError ?? error.commitError ?? error.beginError ?? (error as any Error), doing: doing)
        } catch {
            throw storeError(error, doing: doing)
        }
    }

    /// Runs one statement outside any transaction and returns its rows.
    func rows(_ query: PostgresQuery, _ doing: String) async throws -> [PostgresRow] {
        do {
            var rows: [PostgresRow] = []
            for try await row in try await client.query(query, logger: logger) { rows.append(row) }
            return rows
        } catch {
            throw storeError(error, doing: doing)
        }
    }

    /// A failed operation as a store error: PostgreSQL's own message (`String(reflecting:)` of a `PSQLError`
    /// carries it), never the password.
    func storeError(_ error: any Error, doing: String) -> StoreError {
        if let error = error as? StoreError { return error }
        return StoreError(.database, "\(doing): \(Self.describe(error))", path: location.redacted)
    }

    /// The server's message for a PostgreSQL error (with its SQLSTATE), the error itself otherwise.
    static func describe(_ error: any Error) -> String {
        guard let psql = error as? PSQLError else { return "\(error)" }
        if let message = psql.serverInfo?[.message] {
            return message + (psql.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        }
        return psql.underlying.map { "\(psql.code): \($0)" } ?? "\(psql.code)"
    }
}

extension PostgresConnection {
    /// Runs one statement in the caller's transaction and collects its rows.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        for try await row in try await self.query(query, logger: logger) { rows.append(row) }
        return rows
    }
}
