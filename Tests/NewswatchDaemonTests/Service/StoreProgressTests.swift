import Foundation
import NewswatchStore
import NewswatchTestSupport
import Testing

@testable import NewswatchDaemon

@Suite struct StoreProgressTests {
    let t0 = ContinuousClock.now

    @Test func aLongRunningOperationIsAStall() {
        let progress = StoreProgress()
        #expect(progress.stall(at: t0, tolerance: .seconds(1)) == nil)
        let token = progress.start(at: t0)
        #expect(progress.stall(at: t0 + .seconds(1), tolerance: .seconds(1)) == nil)
        #expect(progress.stall(at: t0 + .seconds(3), tolerance: .seconds(1)) == .operationRunning(.seconds(3)))
        // The oldest running operation counts, not the newest.
        let other = progress.start(at: t0 + .seconds(2))
        #expect(progress.stall(at: t0 + .seconds(3), tolerance: .seconds(1)) == .operationRunning(.seconds(3)))
        progress.finish(token, write: false, succeeded: true, at: t0 + .seconds(3))
        #expect(progress.stall(at: t0 + .seconds(3), tolerance: .seconds(1)) == nil)
        progress.finish(other, write: false, succeeded: true, at: t0 + .seconds(3))
        #expect(progress.stall(at: t0 + .seconds(60), tolerance: .seconds(1)) == nil)
    }

    @Test func writesFailingForLongerThanTheToleranceAreAStall() {
        let progress = StoreProgress()
        // A locked database: each write waits out the busy timeout and fails; reads still succeed (WAL).
        progress.finish(progress.start(at: t0), write: true, succeeded: false, at: t0 + .seconds(10))
        progress.finish(progress.start(at: t0 + .seconds(10)), write: false, succeeded: true, at: t0 + .seconds(10))
        #expect(progress.stall(at: t0 + .seconds(30), tolerance: .seconds(30)) == nil)
        progress.finish(progress.start(at: t0 + .seconds(10)), write: true, succeeded: false, at: t0 + .seconds(20))
        #expect(progress.stall(at: t0 + .seconds(41), tolerance: .seconds(30)) == .writesFailing(.seconds(31)))
        // One write that succeeds ends the stall.
        progress.finish(progress.start(at: t0 + .seconds(41)), write: true, succeeded: true, at: t0 + .seconds(41))
        #expect(progress.stall(at: t0 + .seconds(100), tolerance: .seconds(30)) == nil)
        // A failed read is not a stuck store.
        progress.finish(progress.start(at: t0 + .seconds(100)), write: false, succeeded: false, at: t0 + .seconds(100))
        #expect(progress.stall(at: t0 + .seconds(200), tolerance: .seconds(30)) == nil)
    }

    @Test func theWatchedStoreReportsARealLockedDatabase() async throws {
        // The SQLite calls run off the cooperative pool (`OffloadedStore`, as in the daemon): they wait on another
        // process and on SQLite's busy timeout, and the pool's two threads are shared with every other suite.
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("state.sqlite").path
        let base = try SQLiteStore(path: path, options: .init(busyTimeout: 0.2))
        let progress = StoreProgress()
        let store = WatchedStore(OffloadedStore(base), progress: progress)
        try await store.syncFeeds(
            [FeedDescriptor(key: "k", name: "Wire", url: "http://127.0.0.1/wire.xml")], at: Date())
        #expect(progress.stall(at: .now, tolerance: .zero) == nil)

        // Another process holds the write lock: writes fail after the busy timeout, reads go on (WAL).
        let holder = try SQLiteWriteLock(database: path)
        await #expect(throws: (any Error).self) {
            try await store.recordNoChange(NoChangeRecord(key: "k", at: Date(), reason: .notModified, httpStatus: 304))
        }
        #expect(try await store.feedState(key: "k") != nil)
        #expect(progress.stall(at: .now + .seconds(1), tolerance: .milliseconds(500)) != nil)
        holder.release()
        try await store.recordNoChange(NoChangeRecord(key: "k", at: Date(), reason: .notModified, httpStatus: 304))
        #expect(progress.stall(at: .now + .seconds(1), tolerance: .milliseconds(500)) == nil)
    }
}
