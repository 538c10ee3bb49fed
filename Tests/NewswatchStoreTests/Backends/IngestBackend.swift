import Foundation
import GRDB
import NewswatchCore
import NewswatchSystem
import NewswatchTestSupport
import PostgresNIO
import Testing

@testable import NewswatchStore

/// The ingest and the digest's reads, which both backends implement, as the tests call them (`async`: SQLite's
/// synchronous methods satisfy it as they are), plus two test-only probes.
protocol IngestBackend: FeedStateBackend {
    func ingest(_ batch: IngestBatch) async throws -> IngestOutcome
    func pendingDeliveries(sink: String, dueAt now: Date?, limit: Int) async throws -> [PendingDelivery]
    func matchedItems(firstSeenFrom from: Date, to: Date) async throws -> [MatchedItemRecord]
    func storySources(storyRowIDs: [Int64]) async throws -> [Int64: [StorySource]]
    func alerts(detectedFrom from: Date, to: Date) async throws -> [Alert]
    func detectionDelays(firstSeenFrom from: Date, to: Date, backfill: TimeInterval) async throws
        -> [String: [TimeInterval]]
    /// The first column of the first row of `sql` (an integer): tests count rows with it.
    func count(_ sql: String) async throws -> Int
    /// Titles the story index has compared so far (IngestFloodTests proves the ingest linear with it).
    var titleComparisons: Int { get }
}

extension SQLiteStore: IngestBackend {
    func count(_ sql: String) async throws -> Int { try read { db in try Int.fetchOne(db, sql: sql) ?? 0 } }
    var titleComparisons: Int { storyIndex.comparisons }
}

extension PostgresStore: IngestBackend {
    func count(_ sql: String) async throws -> Int {
        try await rows(PostgresQuery(unsafeSQL: sql), "test count").first?.decode(Int.self) ?? 0
    }
    var titleComparisons: Int { storyIndex.index.comparisons }
}

/// Where a test's stores live — one SQLite file, or one PostgreSQL database — so that it can open several stores on
/// it (a restart, a second daemon). Closes every store it opened.
final class StorePlace: @unchecked Sendable {
    // Immutable but for `opened`, which its lock guards (the temp directory is not declared `Sendable`).
    let backend: StoreBackend
    private let kit: StoreTestKit
    private let url: String?
    private let opened = Locked<[PostgresStore]>([])

    init(_ backend: StoreBackend) throws {
        self.backend = backend
        kit = try StoreTestKit()
        url = backend == .postgres ? try PostgresCluster.makeDatabase() : nil
    }

    /// A new store on this place.
    func open() async throws -> any IngestBackend {
        guard let url else { return try kit.open() }
        let store = try await PostgresStore(location: PostgresLocation(url: url))
        opened.withLock { $0.append(store) }
        return store
    }

    /// A PostgreSQL store on this place (for the PostgreSQL-only tests).
    func openPostgres() async throws -> PostgresStore {
        guard let store = try await open() as? PostgresStore else { throw StoreError(.invalidArgument, "not postgres") }
        return store
    }

    func close() async {
        for store in opened.withLock({ $0 }) { await store.close() }
        kit.dir.remove()
    }
}

extension StoreBackend {
    /// Runs `body` with a new empty place of this backend, then closes its stores and removes it.
    func withPlace(_ body: (StorePlace) async throws -> Void) async throws {
        let place = try StorePlace(self)
        do {
            try await body(place)
        } catch {
            await place.close()
            throw error
        }
        await place.close()
    }

    /// Runs `body` with one new empty store of this backend.
    func withIngestStore(_ body: (any IngestBackend) async throws -> Void) async throws {
        try await withPlace { place in try await body(try await place.open()) }
    }
}
