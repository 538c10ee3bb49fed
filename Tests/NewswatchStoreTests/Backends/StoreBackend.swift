import Foundation
import NewswatchTestSupport
import Testing

@testable import NewswatchStore

/// The feed-state and status part of the store that both backends implement today, as the tests call it
/// (`async`: SQLite's synchronous methods satisfy it as they are, PostgreSQL's are asynchronous).
protocol FeedStateBackend: Sendable {
    func syncFeeds(_ feeds: [FeedDescriptor], at time: Date) async throws
    func feedState(key: String) async throws -> FeedState?
    func feedStates(includeInactive: Bool) async throws -> [FeedState]
    @discardableResult func recordNoChange(_ record: NoChangeRecord) async throws -> FeedState
    @discardableResult func recordFailure(_ failure: FeedFailure) async throws -> FeedState
    func setSchedule(key: String, _ schedule: FeedSchedule) async throws
    func fetchFailures(from: Date, to: Date) async throws -> [FetchEventRecord]
    func itemCounts() async throws -> [String: Int]
    func totals(alertsSince: Date) async throws -> StoreTotals
}

extension SQLiteStore: FeedStateBackend {}
extension PostgresStore: FeedStateBackend {}

/// Which store a parameterized test runs against: a SQLite file in a temp folder, or a fresh database in the test
/// process's real PostgreSQL 15 (`PostgresCluster`; a missing PostgreSQL fails the test).
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// Runs `body` with a new empty store of this backend, then closes and removes it (also when `body` throws).
    func withStore(_ body: (any FeedStateBackend) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            let kit = try StoreTestKit()
            defer { kit.dir.remove() }
            try await body(try kit.open())
        case .postgres:
            let store = try await PostgresStore(location: PostgresLocation(url: try PostgresCluster.makeDatabase()))
            do {
                try await body(store)
            } catch {
                await store.close()
                throw error
            }
            await store.close()
        }
    }
}
