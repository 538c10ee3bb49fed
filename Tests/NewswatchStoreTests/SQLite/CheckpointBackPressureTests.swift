import Foundation
import NewswatchSystem
import Testing

@testable import NewswatchStore

/// The checkpointer's back-pressure (a commit waits once `maxCommitsAhead` commits pile up during one checkpoint)
/// must hold up GRDB's writer only: an awaited write never parks a cooperative thread on it.
@Suite struct CheckpointBackPressureTests {
    @Test func aStuckCheckpointLeavesTheCooperativePoolFree() async throws {
        let kit = try StoreTestKit()
        defer { kit.dir.remove() }
        let store = try kit.open()
        let checkpointer = try #require(store.checkpointer)
        try await store.write { db in try db.execute(sql: "CREATE TABLE scratch (n INTEGER)") }
        checkpointer.waitUntilIdle()

        let release = DispatchSemaphore(value: 0)
        checkpointer.holdForTesting(until: release)
        // More writing tasks than the pool has threads, each committing past the back-pressure bound.
        let writers = ProcessInfo.processInfo.activeProcessorCount * 2 + 2
        let commits = WALCheckpointer.maxCommitsAhead * 2
        let tasks = (0..<writers).map { _ in
            Task.detached {
                for n in 0..<commits {
                    try await store.write { db in try db.execute(sql: "INSERT INTO scratch VALUES (?)", arguments: [n])
                    }
                }
            }
        }
        // Off the pool: wait until the writers are held, see whether a fresh task still runs, then let go.
        let probed: Bool = await withCheckedContinuation { done in
            Thread.detachNewThread {
                Thread.sleep(forTimeInterval: 2)
                let ran = DispatchSemaphore(value: 0)
                Task.detached { ran.signal() }
                let result = ran.wait(timeout: .now() + 10) == .success
                release.signal()
                done.resume(returning: result)
            }
        }
        #expect(probed, "a task could not run while a checkpoint was held: the pool was blocked")
        for task in tasks { try await task.value }
        checkpointer.waitUntilIdle()
        let rows = try store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM scratch") }
        #expect(rows == writers * commits)
    }
}
