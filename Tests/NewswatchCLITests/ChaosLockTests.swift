import Foundation
import NewswatchTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The state database locked by another process (a backup job, a stray `sqlite3` shell) while the daemon runs
/// (issue 19, "Chaos"): the daemon waits a bounded time (SQLite's busy timeout, 10 s), says so in one line, loses no
/// feed's state, and writes everything owed once when the lock goes; `run --once` under a lock held throughout exits 1
/// with that reason instead of hanging or crashing.
@Suite struct ChaosLockTests {
    static let lockedLine = "database is locked by another process"

    @Test func runOnceUnderALockHeldThroughoutExitsWithTheReason() async throws {
        let world = try ServiceWorld()
        world.serve("/wire.xml", ServiceWorld.rss("Wire", Chaos.items("a", count: 1)))
        try world.writeConfig(
            feeds: [.init(name: "Wire", path: "/wire.xml")], topics: [.init(id: "gaza", query: "Rafah")])
        let cfg = world.configURL.path
        let first = try await Chaos.run(["run", "--once", "--config", cfg])
        #expect(first.end == .init(status: 0, bySignal: false), "\(first.stderr)")
        world.serve("/wire.xml", ServiceWorld.rss("Wire", Chaos.items("a", count: 3)))

        let database = world.databasePath
        let lock = try await Service.blocking { try SQLiteWriteLock(database: database) }
        let started = Date()
        let locked = try await Chaos.run(["run", "--once", "--config", cfg], timeout: 90)
        let took = Date().timeIntervalSince(started)
        await Service.blocking { lock.release() }
        #expect(locked.end == .init(status: 1, bySignal: false), "\(locked.stderr)")
        #expect(took < 60, "run --once took \(took) s under the lock")
        let said = Chaos.lines(locked.stderr, containing: Self.lockedLine)
        #expect(!said.isEmpty && said.count <= 2, "\(locked.stderr)")
        #expect(try world.alerts().count == 1)

        let normal = try await Chaos.run(["run", "--once", "--config", cfg])
        #expect(normal.end == .init(status: 0, bySignal: false), "\(normal.stderr)")
        let ids = try world.alerts().compactMap { $0["id"] as? String }
        #expect(ids.count == 3 && Set(ids).count == 3, "\(ids)")
    }

    @Test func theServiceWaitsOutALockAndThenWritesEverythingOwedOnce() async throws {
        let world = try ServiceWorld()
        world.serve("/wire.xml", ServiceWorld.rss("Wire", Chaos.items("w", count: 1)))
        world.serve("/desk.xml", ServiceWorld.rss("Desk", Chaos.items("d", count: 1)))
        try world.writeConfig(
            feeds: [.init(name: "Wire", path: "/wire.xml"), .init(name: "Desk", path: "/desk.xml")],
            topics: [.init(id: "gaza", query: "Rafah")])
        let daemon = try world.startDaemon()
        defer { daemon.kill() }
        #expect(await world.waitForAlerts(timeout: 30) { $0.count == 2 }, "\(daemon.stderr)")

        // Another process takes the write lock; both feeds bring news meanwhile.
        let database = world.databasePath
        let lock = try await Service.blocking { try SQLiteWriteLock(database: database) }
        world.serve("/wire.xml", ServiceWorld.rss("Wire", Chaos.items("w", count: 3)))
        world.serve("/desk.xml", ServiceWorld.rss("Desk", Chaos.items("d", count: 2)))
        #expect(await daemon.waitForStderr(containing: Self.lockedLine, timeout: 30), "\(daemon.stderr)")
        #expect(daemon.isRunning, "\(daemon.stderr)")
        // The failed write is ours, not the feed's: no cascade of bookkeeping writes that fail the same way.
        #expect(!daemon.stderr.contains("cannot record"), "\(daemon.stderr)")
        #expect(!daemon.stderr.contains("cannot save schedule"), "\(daemon.stderr)")
        await Service.blocking { lock.release() }

        // The lock is gone: both feeds' news, once each, and one line saying the store writes again.
        #expect(await world.waitForAlerts(timeout: 40) { $0.count >= 5 }, "\(daemon.stderr)")
        #expect(await daemon.waitForStderr(containing: "writing again", timeout: 10), "\(daemon.stderr)")
        // One line for the whole outage, however many polls it refused.
        let said = Chaos.lines(daemon.stderr, containing: Self.lockedLine)
        #expect(said.count == 1 && said.allSatisfy { $0.contains("feed=") }, "\(said)")
        daemon.signal(SIGTERM)
        #expect(await daemon.wait(timeout: 15) == .init(status: 0, bySignal: false), "\(daemon.stderr)")
        let ids = try world.alerts().compactMap { $0["id"] as? String }
        #expect(ids.count == 5 && Set(ids).count == 5, "\(ids)")
        // Neither feed's state was lost: each holds its items, and neither was charged with a failure.
        let status = try await Chaos.run(["status", "--json", "--config", world.configURL.path])
        #expect(status.end?.status == 0, "\(status.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let feeds = try #require(report["feeds"] as? [[String: Any]])
        let items = Dictionary(feeds.map { ($0["name"] as? String ?? "", $0["items"] as? Int ?? -1) }) { a, _ in a }
        #expect(items == ["Wire": 3, "Desk": 2], "\(status.stdout)")
        #expect(feeds.allSatisfy { ($0["consecutive_failures"] as? Int) == 0 }, "\(status.stdout)")
    }
}
