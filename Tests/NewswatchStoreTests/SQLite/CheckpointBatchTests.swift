import Foundation
import GRDB
import Testing

@testable import NewswatchStore

/// Issue 18 (the all-304 round): the background checkpointer started a checkpoint (two `fdatasync`s) after every
/// commit it was not already busy with, so the round's 2,000 one-row commits synced the disk 1,100 times. A
/// checkpoint now waits for a batch of commits, or a short while after the first.
@Suite struct CheckpointBatchTests {
    @Test func smallCommitsShareCheckpoints() throws {
        let kit = try StoreTestKit()
        defer { kit.dir.remove() }
        let store = try kit.open()
        let checkpointer = try #require(store.checkpointer)
        try store.write { db in try db.execute(sql: "CREATE TABLE scratch (n INTEGER)") }
        checkpointer.waitUntilIdle()
        let before = checkpointer.checkpointsStarted

        // Commits a little apart, as a round's no-change records arrive: each found the checkpointer idle.
        let commits = 160
        for n in 0..<commits {
            try store.write { db in try db.execute(sql: "INSERT INTO scratch VALUES (?)", arguments: [n]) }
            usleep(2_000)
        }
        checkpointer.waitUntilIdle()
        let checkpoints = checkpointer.checkpointsStarted - before
        // At most one per batch, plus those the delay ends early: 160 commits over ≥ 0.32 s.
        #expect(checkpoints >= 1)
        #expect(
            checkpoints <= commits / WALCheckpointer.batchCommits + 3,
            "\(checkpoints) checkpoints for \(commits) commits")
        let rows = try store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM scratch") }
        #expect(rows == commits)
        // The log was copied back: a passive checkpoint now finds nothing left to copy.
        let (log, copied) = try store.writer!.writeWithoutTransaction { try $0.checkpoint(.passive) }
        #expect(log == copied, "\(copied) of \(log) log frames checkpointed")
    }
}
