import Foundation
import GRDB
import NewswatchCore
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// Issue 18 (memory): GRDB's pool opened up to five reader connections, each with SQLite's 2 MiB page cache, and the
/// daemon's status line (a count over `items` once a minute) filled every reader's cache it touched. Readers are now
/// two at most with a small cache; the writer keeps SQLite's default, the ingest being its hot path. Checked on the
/// real connections: the PRAGMA each one answers, and which connections many concurrent reads are served by.
@Suite struct ConnectionMemoryTests {
    @Test func readersAreAtMostTwoWithASmallPageCacheWhateverTheConcurrentReads() async throws {
        let kit = try Kit()
        let store = try kit.open()
        let reader = store.reader
        let seen = try await withThrowingTaskGroup(of: (String, Int).self) { group in
            for _ in 0..<6 {
                group.addTask {
                    // GRDB's async read: the cooperative pool (as many threads as cores) is not what limits the overlap.
                    try await reader.read { db in
                        // Held long enough that six reads overlap: five connections answered before the limit.
                        Thread.sleep(forTimeInterval: 0.2)
                        let cache = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? 0
                        return (db.description, cache)
                    }
                }
            }
            var seen: [(String, Int)] = []
            for try await one in group { seen.append(one) }
            return seen
        }
        #expect(seen.count == 6)
        let connections = Set(seen.map(\.0))
        #expect(connections.count <= SQLiteStore.readerCount, "reads served by \(connections.sorted())")
        #expect(SQLiteStore.readerCount == 2)
        for (connection, cache) in seen {
            #expect(cache == -SQLiteStore.readerCacheKiB, "\(connection): cache_size \(cache)")
        }
        #expect(SQLiteStore.readerCacheKiB == 256)
    }

    @Test func theWriterKeepsSQLitesDefaultPageCache() async throws {
        let kit = try Kit()
        let store = try kit.open()
        let writer = try #require(store.writer)
        let cache = try await writer.write { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") }
        #expect(cache == -2000)
    }
}
