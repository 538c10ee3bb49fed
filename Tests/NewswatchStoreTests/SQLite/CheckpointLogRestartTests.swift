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
        // ~9,600 frames here at most; a slow disk lets back-pressure allow up to ~14,100. Without these passes only
        // the writer's backstop (`backstopPages`, 16,384 frames) would have started the log over.
        #expect(
            largestLog < Int64(2 * WALCheckpointer.restartFrames - 1024) * Self.frameBytes,
            "the log grew to \(largestLog) bytes")
        let rows = try store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM scratch") }
        #expect(rows == 600 * 40)
    }

    /// A read transaction open on the log keeps it from starting over; once it ends, the next checkpoint ends the
    /// log. The log stays below the writer's backstop (`backstopPages`) throughout, so only the checkpointer can.
    @Test func aLogHeldByAReaderStartsOverOnceItLetsGo() throws {
        let kit = try StoreTestKit()
        defer { kit.dir.remove() }
        let store = try kit.open()
        let checkpointer = try #require(store.checkpointer)
        try store.write { db in
            try db.execute(sql: "CREATE TABLE scratch (n INTEGER, body BLOB)")
            try db.execute(sql: "INSERT INTO scratch VALUES (0, randomblob(10))")
        }

        let holding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let reader = Thread {
            _ = try? store.read { db in
                _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM scratch")
                holding.signal()
                release.wait()
            }
            holding.signal()
        }
        reader.start()
        var released = false
        defer { if !released { release.signal() } }
        try #require(holding.wait(timeout: .now() + 10) == .success, "the reader did not start")
        // ~8,600 frames: past `restartFrames`, with the reader holding every one of them in the log.
        _ = try Self.writeLikeAColdRound(store, commits: 200)
        checkpointer.waitUntilIdle()
        let (heldLog, _) = try store.writer!.writeWithoutTransaction { try $0.checkpoint(.passive) }
        #expect(heldLog >= WALCheckpointer.restartFrames, "the log started over under a reader: \(heldLog) frames")
        let before = checkpointer.logEnds

        release.signal()
        released = true
        // ~2,600 frames more: ~11,200 in all, below the backstop's 16,384.
        _ = try Self.writeLikeAColdRound(store, commits: 60)
        checkpointer.waitUntilIdle()
        try store.write { db in try db.execute(sql: "INSERT INTO scratch VALUES (-1, randomblob(10))") }
        checkpointer.waitUntilIdle()
        let (log, _) = try store.writer!.writeWithoutTransaction { try $0.checkpoint(.passive) }
        #expect(log < 60 * 48, "the log is still \(log) frames long after the reader let go")
        let after = checkpointer.logEnds
        #expect(
            after.writerPasses + after.restarts > before.writerPasses + before.restarts,
            "no checkpoint ended the log after the reader let go: \(before) → \(after)")
        let rows = try store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM scratch") }
        #expect(rows == 260 * 40 + 2)
    }

    /// The daemon's writes are awaited, and their commit's back-pressure waits on the writer's own queue: a
    /// checkpoint that queued its last pass there while the writer waited for that checkpoint would hang both. The
    /// writer stops waiting once the pass is queued.
    @Test func aWriterHeldByBackPressureLetsTheLastPassThrough() async throws {
        let kit = try StoreTestKit()
        defer { kit.dir.remove() }
        let store = try kit.open()
        let checkpointer = try #require(store.checkpointer)
        try await store.write { db in try db.execute(sql: "CREATE TABLE scratch (n INTEGER, body BLOB)") }
        let release = DispatchSemaphore(value: 0)
        var released = false
        defer { if !released { release.signal() } }
        checkpointer.holdBeforeWriterPassForTesting(until: release)

        // ~45 frames a commit: a checkpoint reaches its last pass after ~200 commits and is held there; 65 commits
        // later the writer waits for it, on its own queue.
        let commits = 200 + 4 * WALCheckpointer.maxCommitsAhead
        let writes = Task.detached {
            for n in 0..<commits {
                try await store.write { db in
                    for k in 0..<40 {
                        try db.execute(sql: "INSERT INTO scratch VALUES (?, randomblob(3000))", arguments: [n * 40 + k])
                    }
                }
            }
        }
        let held = await Self.eventually(seconds: 60) { checkpointer.isWriterHeld }
        try #require(held, "the writer never waited for the held checkpoint")
        release.signal()
        released = true
        let finished = await Self.eventually(seconds: 60) { checkpointer.logEnds.writerPasses >= 1 }
        #expect(finished, "the checkpoint's last pass never ran on the writer's queue: the two wait for each other")
        if finished {
            try await writes.value
            let rows = try store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM scratch") }
            #expect(rows == commits * 40)
        }
    }

    /// Polls `condition` every 10 ms, off the cooperative pool, for up to `seconds`.
    private static func eventually(seconds: Double, _ condition: @escaping @Sendable () -> Bool) async -> Bool {
        await withCheckedContinuation { done in
            Thread.detachNewThread {
                let deadline = Date(timeIntervalSinceNow: seconds)
                while Date() < deadline {
                    if condition() { return done.resume(returning: true) }
                    usleep(10_000)
                }
                done.resume(returning: condition())
            }
        }
    }
}
