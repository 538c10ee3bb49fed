import Foundation
import GRDB
import NewswatchCore
import Synchronization
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// Issue 18 (memory): each of GRDB's up to five reader connections had SQLite's 2 MiB page cache, and the daemon's
/// status line (a count over `items` once a minute) filled every reader's cache it touched. Readers now have a small
/// cache; the writer keeps SQLite's default, the ingest being its hot path. There stay five readers, so that the alert
/// path's reads never wait behind the daemon's long ones (review 9). Checked on the real connections: the PRAGMA each
/// one answers, which connections many concurrent reads are served by, and a read beside four long ones.
@Suite struct ConnectionMemoryTests {
    @Test func readersAreAtMostFiveWithASmallPageCacheWhateverTheConcurrentReads() async throws {
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
        #expect(SQLiteStore.readerCount == 5)
        for (connection, cache) in seen {
            #expect(cache == -SQLiteStore.readerCacheKiB, "\(connection): cache_size \(cache)")
        }
        #expect(SQLiteStore.readerCacheKiB == 256)
    }

    /// Four long reads at once (a digest, retention's scan, the status counts, a scrape) leave a reader free: a fifth
    /// read (the outbox's) is served while all four are still inside theirs.
    @Test func aReadIsServedBesideFourLongOnes() async throws {
        let kit = try Kit()
        let store = try kit.open()
        let reader = store.reader
        let gate = ReadGate()
        let long = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await reader.read { _ in
                            gate.entered.add(1, ordering: .sequentiallyConsistent)
                            // Held until the fifth read is done, or 10 s at most (then the test fails below).
                            let deadline = Date().addingTimeInterval(10)
                            while !gate.released.load(ordering: .sequentiallyConsistent), Date() < deadline {
                                Thread.sleep(forTimeInterval: 0.01)
                            }
                            gate.ended.add(1, ordering: .sequentiallyConsistent)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        while gate.entered.load(ordering: .sequentiallyConsistent) < 4 { try await Task.sleep(for: .milliseconds(10)) }
        let count = try await reader.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM alerts") }
        #expect(count == 0)
        #expect(gate.ended.load(ordering: .sequentiallyConsistent) == 0, "the fifth read waited for a long one to end")
        gate.released.store(true, ordering: .sequentiallyConsistent)
        try await long.value
    }

    @Test func theWriterKeepsSQLitesDefaultPageCache() async throws {
        let kit = try Kit()
        let store = try kit.open()
        let writer = try #require(store.writer)
        let cache = try await writer.write { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") }
        #expect(cache == -2000)
    }
}

/// What `aReadIsServedBesideFourLongOnes`' reads tell each other.
private final class ReadGate: Sendable {
    let entered = Atomic<Int>(0)
    let ended = Atomic<Int>(0)
    let released = Atomic<Bool>(false)
}
