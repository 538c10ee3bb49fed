import Foundation
import GRDB
import Testing

@testable import NewswatchStore

/// Issue 18 (the cold round): the checkpointer started the log over with a RESTART checkpoint, which held the writer
/// out for 16–150 ms at a time, and every ingest queued for the writer with it (a 2,000-feed cold round stalled
/// ~10 times). The log now starts over after a last passive pass on the writer's own queue; a RESTART is only the
/// fallback when a reader kept that pass from copying the whole log.
@Suite struct CheckpointLogRestartTests {
    /// Commits as a cold round makes them, back to back, each of ~45 pages: 600 of them write ~27,000 frames, over
    /// three times `restartFrames`.
    private static func writeLikeAColdRound(_ store: SQLiteStore, commits: Int) throws -> Int64 {
        try store.write { db in try db.execute(sql: "CREATE TABLE IF NOT EXISTS scratch (n INTEGER, body BLOB)") }
        var largestLog: Int64 = 0
        for n in 0..<commits {
            try store.write { db in
                for k in 0..<40 {
                    try db.execute(sql: "INSERT INTO scratch VALUES (?, randomblob(3000))", arguments: [n * 40 + k])
                }
            }
            largestLog = max(largestLog, fileSize(store.path + "-wal"))
        }
        return largestLog
    }

    private static func fileSize(_ path: String) -> Int64 {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : 0
    }

    /// A frame in the log file: the page and its 24-byte header.
    private static let frameBytes = Int64(4096 + 24)

    @Test func aBusyWriterLogStartsOverWithoutARestart() throws {
        let kit = try StoreTestKit()
        defer { kit.dir.remove() }
        let store = try kit.open()
        let checkpointer = try #require(store.checkpointer)

        let largestLog = try Self.writeLikeAColdRound(store, commits: 600)
        checkpointer.waitUntilIdle()

        let ends = checkpointer.logEnds
        #expect(ends.writerPasses >= 2, "the log was never handed to the writer's queue to finish: \(ends)")
        #expect(ends.restarts == 0, "a RESTART held the writer out although no reader was in the way: \(ends)")
        // ~9,600 frames here at most. Without these passes only the writer's backstop (`backstopPages`, 16,384
        // frames) would have started the log over.
        #expect(
            largestLog < Int64(WALCheckpointer.restartFrames) * 3 / 2 * Self.frameBytes,
            "the log grew to \(largestLog) bytes")
        let rows = try store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM scratch") }
        #expect(rows == 600 * 40)
    }

    /// A reader that holds an old snapshot keeps the writer's last pass from copying the whole log; once it lets
    /// go, the log starts over again, by the writer's pass or the RESTART fallback.
    @Test func aLogHeldByAReaderStartsOverOnceItLetsGo() throws {
        let kit = try StoreTestKit()
        defer { kit.dir.remove() }
        let store = try kit.open()
        let checkpointer = try #require(store.checkpointer)
        try store.write { db in
            try db.execute(sql: "CREATE TABLE scratch (n INTEGER, body BLOB)")
            try db.execute(sql: "INSERT INTO scratch VALUES (0, randomblob(10))")
        }

        // A read transaction open on another connection while the writer fills the log.
        let holding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let reader = Thread {
            _ = try? store.read { db in
                _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM scratch")
                holding.signal()
                release.wait()
            }
        }
        reader.start()
        holding.wait()
        _ = try Self.writeLikeAColdRound(store, commits: 250)
        release.signal()
        checkpointer.waitUntilIdle()

        // Let go: the next commits bring the log to its end again, and it starts over.
        _ = try Self.writeLikeAColdRound(store, commits: 250)
        checkpointer.waitUntilIdle()
        try store.write { db in try db.execute(sql: "INSERT INTO scratch VALUES (-1, randomblob(10))") }
        let (log, _) = try store.writer!.writeWithoutTransaction { try $0.checkpoint(.passive) }
        #expect(log < WALCheckpointer.restartFrames, "the log is still \(log) frames long after the reader let go")
        let rows = try store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM scratch") }
        #expect(rows == 500 * 40 + 2)
    }
}
