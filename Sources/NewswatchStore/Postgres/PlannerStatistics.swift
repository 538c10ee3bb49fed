import Foundation
import NewswatchSystem
import PostgresNIO

/// Gives a fresh database's big tables planner statistics as soon as they hold rows, instead of waiting for
/// autovacuum's first visit (up to `autovacuum_naptime`, a minute by default): without them the known-items lookup
/// of every ingest is planned as a sequential scan of `items`, under the story lock, and a first round on a new
/// database (or a `store migrate` target) runs 2–2.5× slower (BENCHMARKS.md "Statistics").
///
/// Bounded: after this store has inserted `threshold` items it looks once (one catalogue read) and runs `ANALYZE`
/// only when `items` was never analyzed; afterwards autovacuum keeps the statistics, and this store never looks again.
final class PlannerStatistics: Sendable {
    /// The tables `ANALYZE`d: those the ingest and the claim query read by key.
    static let tables = ["feeds", "items", "stories"]
    /// How many items this store inserts before it looks.
    let threshold: Int
    private let state = Locked(State())

    private struct State {
        var inserted = 0
        var done = false
    }

    init(threshold: Int = 1000) { self.threshold = threshold }

    /// Counts `n` inserted items; true once, when the count first reaches the threshold (the caller then looks).
    func noteInserted(_ n: Int) -> Bool {
        state.withLock { s in
            guard !s.done, n > 0 else { return false }
            s.inserted += n
            guard s.inserted >= threshold else { return false }
            s.done = true
            return true
        }
    }

    /// `ANALYZE`s the tables when `items` has never been analyzed (`reltuples` is -1 until a first `ANALYZE` or
    /// `VACUUM`); returns whether it did.
    @discardableResult
    static func analyzeIfNever(_ store: PostgresStore) async throws -> Bool {
        let rows = try await store.rows(
            "SELECT reltuples < 0 FROM pg_class WHERE oid = 'items'::regclass", "read planner statistics")
        guard try rows.first?.decode(Bool.self) == true else { return false }
        try await analyze(store)
        return true
    }

    /// `ANALYZE`s the tables (after a bulk load such as `store migrate`).
    static func analyze(_ store: PostgresStore) async throws {
        _ = try await store.rows(
            PostgresQuery(unsafeSQL: "ANALYZE " + tables.joined(separator: ", ")), "analyze the tables")
    }
}
