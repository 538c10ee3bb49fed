import Foundation
import NewswatchCore
import PostgresNIO
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// How long the ingest holds the story lock, and planner statistics on a fresh database: what lets several daemons
/// ingest at once on PostgreSQL (issue 15 "Speed").
@Suite struct PostgresIngestLockTests {
    /// Holds the story lock in a transaction of `store`'s until `release` yields; `held` yields once it is held.
    static func holdStoryLock(
        _ store: PostgresStore, held: AsyncStream<Void>.Continuation, release: AsyncStream<Void>
    ) -> Task<Void, any Error> {
        Task {
            try await store.transaction("hold the story lock") { c in
                try await c.query("SELECT pg_advisory_xact_lock(\(PostgresStore.storyLock))", logger: store.logger)
                held.yield()
                for await _ in release { break }
            }
        }
    }

    static let thisDatabase = "(SELECT oid FROM pg_database WHERE datname = current_database())"

    /// While another daemon holds the story lock, an ingest of another feed does its feed's own part (the feed row,
    /// its stored items) and only then waits: the lock covers the story assignment, not the whole ingest.
    @Test func anIngestWritesItsFeedRowBeforeWaitingForTheStoryLock() async throws {
        try await StoreBackend.postgres.withPlace { place in
            let holder = try await place.openPostgres()
            let store = try await place.openPostgres()
            let (held, heldNow) = AsyncStream<Void>.makeStream()
            let (release, releaseNow) = AsyncStream<Void>.makeStream()
            let holding = Self.holdStoryLock(holder, held: heldNow, release: release)
            for await _ in held { break }
            let items = (0..<3).map { n in
                Kit.item(
                    "\(n)", PostgresIngestTests.title(n), link: "https://feed1.example/\(n)",
                    published: Kit.at(hours: -0.1))
            }
            let ingesting = Task { try await store.ingest(Kit.batch(feed: Kit.feed(1), at: Kit.t0, items: items)) }
            // The ingest's session waits for the advisory lock, holding a row lock it took on `feeds` (its feed).
            let waitingWithFeed = """
                SELECT count(*) FROM pg_locks w JOIN pg_locks r ON r.pid = w.pid
                WHERE w.locktype = 'advisory' AND NOT w.granted AND w.database = \(Self.thisDatabase)
                    AND r.locktype = 'relation' AND r.relation = 'feeds'::regclass AND r.granted
                    AND r.mode = 'RowExclusiveLock'
                """
            // Only this test's database: other tests' sessions may wait on advisory locks of their own meanwhile.
            let waiting =
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = \(Self.thisDatabase)"
            let deadline = Date().addingTimeInterval(30)
            while try await holder.count(waiting) == 0, Date() < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(try await holder.count(waiting) == 1)
            #expect(try await holder.count(waitingWithFeed) == 1)
            releaseNow.yield()
            releaseNow.finish()
            try await holding.value
            let outcome = try await ingesting.value
            #expect(outcome.newItems == 3)
            #expect(try await store.count("SELECT count(DISTINCT story_id) FROM items") == 3)
        }
    }

    /// A fresh database gets planner statistics (`ANALYZE`) once a store has inserted its first thousand items, and
    /// only once: autovacuum keeps them afterwards.
    @Test func aFreshDatabaseIsAnalyzedOnceAfterItsFirstThousandItems() async throws {
        try await StoreBackend.postgres.withPlace { place in
            let store = try await place.openPostgres()
            // Autovacuum may reach a new database within the test (after 50 rows): only this store's ANALYZE counts.
            _ = try await store.rows("ALTER TABLE items SET (autovacuum_enabled = false)", "no autovacuum")
            func batch(_ feed: Int, _ count: Int) -> IngestBatch {
                Kit.batch(
                    feed: Kit.feed(feed), at: Kit.t0,
                    items: (0..<count).map { n in
                        Kit.item(
                            "\(n)", PostgresIngestTests.title(feed * 10_000 + n),
                            link: "https://feed\(feed).example/\(n)", published: Kit.at(hours: -1))
                    })
            }
            let analyzed = "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'items'"
            _ = try await store.ingest(batch(1, 600))
            #expect(try await store.count(analyzed) == 0)
            _ = try await store.ingest(batch(2, 600))
            #expect(try await store.count(analyzed) == 1)
            _ = try await store.ingest(batch(3, 1200))
            #expect(try await store.count(analyzed) == 1)
        }
    }
}
