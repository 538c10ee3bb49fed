import Foundation
import NewswatchTestSupport
import Testing

@testable import NewswatchStore

/// The PostgreSQL store's own migrations, on a real PostgreSQL 15.
@Suite struct PostgresSchemaTests {
    @Test func reopeningKeepsTheDataAndAppliesNothingTwice() async throws {
        let url = try PostgresCluster.makeDatabase()
        let first = try await PostgresStore(location: PostgresLocation(url: url))
        try await first.syncFeeds([StoreTestKit.feed(1)], at: StoreTestKit.t0)
        await first.close()
        let second = try await PostgresStore(location: PostgresLocation(url: url))
        #expect(try await second.feedState(key: StoreTestKit.feed(1).key)?.name == "Feed 1")
        let names = try await second.rows("SELECT name FROM schema_migrations ORDER BY name", "test")
            .map { try $0.decode(String.self) }
        #expect(names == PostgresStore.migrations.map(\.name))
        await second.close()
    }

    @Test func daemonsStartingTogetherMigrateOnce() async throws {
        let url = try PostgresCluster.makeDatabase()
        let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
            for _ in 0..<4 { group.addTask { try await PostgresStore(location: PostgresLocation(url: url)) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(stores.count == 4)
        let count = try await stores[0].rows("SELECT count(*) FROM schema_migrations", "test")[0].decode(Int.self)
        #expect(count == PostgresStore.migrations.count)
        for store in stores { await store.close() }
    }

    @Test func refusesADatabaseFromANewerNewswatch() async throws {
        let url = try PostgresCluster.makeDatabase()
        let store = try await PostgresStore(location: PostgresLocation(url: url))
        _ = try await store.rows("INSERT INTO schema_migrations VALUES ('pg99-future', 0)", "test")
        await store.close()
        let error = try await #require(throws: StoreError.self) {
            _ = try await PostgresStore(location: PostgresLocation(url: url))
        }
        #expect(error.kind == .schemaTooNew && error.description.contains("pg99-future"))
    }

    @Test func anUnreachableServerIsAStoreError() async throws {
        // A port nothing listens on (the cluster's, plus one, is free or refuses: either way no PostgreSQL there).
        let cluster = try PostgresCluster.shared()
        let location = PostgresLocation(user: "postgres", host: "127.0.0.1", port: cluster.port + 1, database: "x")
        let error = try await #require(throws: StoreError.self) {
            _ = try await PostgresStore(location: location)
        }
        #expect(error.description.contains("postgresql://postgres@127.0.0.1"))
    }
}
