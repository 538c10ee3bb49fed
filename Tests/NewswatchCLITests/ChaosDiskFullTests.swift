import Foundation
import NewswatchTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A full disk, played by a file size limit (`RLIMIT_FSIZE`) on the daemon (issue 19, "Chaos"): the alert file or the
/// database hits it in the middle of a round. The daemon must not die of SIGXFSZ, must say in one line what it could
/// not write and why, leave no torn alert line and record nothing as delivered that was not written; `run --once`
/// exits 1 with that reason, the service keeps going, and once there is room every owed alert is written once.
@Suite struct ChaosDiskFullTests {
    static let limit = 1 << 20
    static let fullLine = "disk full or file size limit"

    static func world(items: Int) throws -> ServiceWorld {
        let world = try ServiceWorld()
        world.serve("/wire.xml", ServiceWorld.rss("Wire", Chaos.items("a", count: items)))
        try world.writeConfig(
            feeds: [.init(name: "Wire", path: "/wire.xml")], topics: [.init(id: "gaza", query: "Rafah")])
        return world
    }

    /// A store that holds one alert, a feed that now brings three hundred long items, and a launcher whose file size
    /// limit leaves the database 64 KiB to grow: the items' one ingest transaction outgrows the write-ahead log's room.
    static func worldOutgrowingTheDatabase() async throws -> (ServiceWorld, launcher: [String]) {
        let world = try Self.world(items: 1)
        let first = try await Chaos.run(["run", "--once", "--config", world.configURL.path])
        #expect(first.end == .init(status: 0, bySignal: false), "\(first.stderr)")
        let database = try FileManager.default.attributesOfItem(atPath: world.databasePath)[.size] as? Int ?? 0
        world.serve("/wire.xml", ServiceWorld.rss("Wire", Chaos.items("b", count: 300, padding: 400)))
        return (world, try Chaos.fileSizeLimit(database + 64 * 1024))
    }

    @Test func runOnceStoppedByTheLimitInTheAlertFileExitsWithTheReasonAndLeavesNoTornLine() async throws {
        let world = try Self.world(items: 40)
        // Room for two or three alert lines: the write of the forty crosses the limit partway.
        let before = try Chaos.fillAlertFile(world, limit: Self.limit, room: 1500)
        let cfg = world.configURL.path

        let limited = try await Chaos.run(
            ["run", "--once", "--config", cfg], launcher: try Chaos.fileSizeLimit(Self.limit))
        #expect(limited.end == .init(status: 1, bySignal: false), "\(limited.stderr)")
        let said = Chaos.lines(limited.stderr, containing: Self.fullLine)
        #expect(said.count == 1, "\(limited.stderr)")
        #expect(said.first?.contains(Chaos.todaysAlertFile(world).lastPathComponent) == true, "\(said)")
        // Nothing of the batch stayed: no torn line, no alert that is not marked delivered.
        #expect(try Data(contentsOf: Chaos.todaysAlertFile(world)) == before)

        // Room again: every owed alert once.
        let normal = try await Chaos.run(["run", "--once", "--config", cfg])
        #expect(normal.end == .init(status: 0, bySignal: false), "\(normal.stderr)")
        let ids = try Chaos.freshAlertIDs(world)
        #expect(ids.count == 40 && Set(ids).count == 40, "\(ids.count) alerts, \(Set(ids).count) distinct")
        #expect(try world.alerts().count == 40 + before.filter { $0 == UInt8(ascii: "\n") }.count)
    }

    @Test func runOnceStoppedByTheLimitInTheDatabaseStoresNothingHalfAndExitsWithTheReason() async throws {
        let (world, limit) = try await Self.worldOutgrowingTheDatabase()
        let cfg = world.configURL.path
        let limited = try await Chaos.run(["run", "--once", "--config", cfg], launcher: limit)
        #expect(limited.end == .init(status: 1, bySignal: false), "\(limited.stderr)")
        let said = Chaos.lines(limited.stderr, containing: Self.fullLine)
        #expect(!said.isEmpty && said.allSatisfy { $0.contains("newswatch.sqlite") }, "\(limited.stderr)")
        // One line for the feed and the exit reason: no cascade of failed bookkeeping writes.
        #expect(said.count <= 2, "\(limited.stderr)")
        #expect(!limited.stderr.contains("cannot record"), "\(limited.stderr)")
        #expect(try world.alerts().count == 1, "alerts of items the store never committed were written")

        let normal = try await Chaos.run(["run", "--once", "--config", cfg])
        #expect(normal.end == .init(status: 0, bySignal: false), "\(normal.stderr)")
        let ids = try world.alerts().compactMap { $0["id"] as? String }
        #expect(ids.count == 301 && Set(ids).count == 301, "\(ids.count) alerts, \(Set(ids).count) distinct")
    }

    @Test func theServiceKeepsGoingAtTheLimitAndWritesEveryOwedAlertOnceWhenThereIsRoom() async throws {
        let world = try Self.world(items: 40)
        let before = try Chaos.fillAlertFile(world, limit: Self.limit, room: 1500)
        let daemon = try NewswatchProcess.start(
            ["run", "--config", world.configURL.path], launcher: try Chaos.fileSizeLimit(Self.limit))
        defer { daemon.kill() }

        #expect(await daemon.waitForStderr(containing: Self.fullLine, timeout: 30), "\(daemon.stderr)")
        // Past the first retry (every 10 s): still running, still one line, still nothing torn or half written.
        try await Task.sleep(nanoseconds: 11_000_000_000)
        #expect(daemon.isRunning, "\(daemon.stderr)")
        #expect(Chaos.lines(daemon.stderr, containing: Self.fullLine).count == 1, "\(daemon.stderr)")
        #expect(try Data(contentsOf: Chaos.todaysAlertFile(world)) == before)

        // The disk has room again: the next retry writes the forty, once.
        try Chaos.lift(pid: daemon.pid)
        #expect(
            await world.waitForAlerts(timeout: 30) { alerts in
                alerts.filter { !(($0["id"] as? String) ?? "").hasPrefix("earlier-") }.count >= 40
            }, "\(daemon.stderr)")
        #expect(await daemon.waitForStderr(containing: "writing again", timeout: 5), "\(daemon.stderr)")
        daemon.signal(SIGTERM)
        #expect(await daemon.wait(timeout: 15) == .init(status: 0, bySignal: false), "\(daemon.stderr)")
        let ids = try Chaos.freshAlertIDs(world)
        #expect(ids.count == 40 && Set(ids).count == 40, "\(ids.count) alerts, \(Set(ids).count) distinct")
    }

    @Test func theServiceKeepsGoingWhenTheDatabaseHitsTheLimitAndStoresEverythingOnceWhenThereIsRoom() async throws {
        let (world, limit) = try await Self.worldOutgrowingTheDatabase()
        let cfg = world.configURL.path
        let daemon = try NewswatchProcess.start(["run", "--config", cfg], launcher: limit)
        defer { daemon.kill() }
        #expect(await daemon.waitForStderr(containing: Self.fullLine, timeout: 30), "\(daemon.stderr)")
        // The feed is polled every second: more refused writes, still one line, nothing half stored.
        try await Task.sleep(nanoseconds: 3_000_000_000)
        #expect(daemon.isRunning, "\(daemon.stderr)")
        let said = Chaos.lines(daemon.stderr, containing: Self.fullLine)
        #expect(said.count == 1 && said.allSatisfy { $0.contains("newswatch.sqlite") }, "\(daemon.stderr)")
        #expect(try world.alerts().count == 1)

        try Chaos.lift(pid: daemon.pid)
        #expect(await world.waitForAlerts(timeout: 30) { $0.count >= 301 }, "\(daemon.stderr)")
        #expect(await daemon.waitForStderr(containing: "writing again", timeout: 5), "\(daemon.stderr)")
        daemon.signal(SIGTERM)
        #expect(await daemon.wait(timeout: 15) == .init(status: 0, bySignal: false), "\(daemon.stderr)")
        let ids = try world.alerts().compactMap { $0["id"] as? String }
        #expect(ids.count == 301 && Set(ids).count == 301, "\(ids.count) alerts, \(Set(ids).count) distinct")
    }

    /// The kernel answers a write past the limit with SIGXFSZ, whose default action ends the process wherever it is.
    /// The daemon ignores it, so the write fails with EFBIG and is handled; a SIGXFSZ sent from outside shows it.
    @Test func sigxfszDoesNotEndTheDaemon() async throws {
        let world = try Self.world(items: 1)
        let daemon = try world.startDaemon()
        defer { daemon.kill() }
        #expect(await world.waitForAlerts(timeout: 30) { $0.count == 1 }, "\(daemon.stderr)")
        daemon.signal(SIGXFSZ)
        try await Task.sleep(nanoseconds: 500_000_000)
        #expect(daemon.isRunning, "SIGXFSZ ended the daemon: \(daemon.stderr)")
        daemon.signal(SIGTERM)
        #expect(await daemon.wait(timeout: 15) == .init(status: 0, bySignal: false), "\(daemon.stderr)")
    }
}
