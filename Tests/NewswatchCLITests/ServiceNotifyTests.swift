import Foundation
import NewswatchTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `newswatch run` under a stand-in for systemd: a real `AF_UNIX` datagram socket as `NOTIFY_SOCKET`, receiving what
/// a `Type=notify` unit's manager would (CONTRACT §7).
@Suite(.serialized) struct ServiceNotifyTests {
    static let rafah = ServiceWorld.rss("Wire", [("w1", "Israeli strikes hit Rafah overnight")])

    /// Datagrams until one has `key=value`; fails the test with what came instead.
    func expectMessage(
        _ listener: NotifySocketListener, _ key: String, _ value: String? = nil, timeout: TimeInterval,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async -> [String]? {
        let got = await listener.next(
            until: { message in
                let f = Service.fields(message)
                return value.map { f[key] == $0 } ?? (f[key] != nil)
            }, timeout: timeout)
        #expect(
            got != nil, "no \(key)\(value.map { "=" + $0 } ?? "") within \(timeout) s", sourceLocation: sourceLocation)
        return got
    }

    @Test func readyStatusWatchdogReloadingAndStopping() async throws {
        let world = try ServiceWorld()
        world.serve("/wire.xml", Self.rafah)
        try world.writeConfig(
            feeds: [.init(name: "Wire", path: "/wire.xml")], topics: [.init(id: "gaza", query: "Rafah")])
        let listener = try NotifySocketListener(directory: world.dir.url)
        let daemon = try world.startDaemon(environment: [
            "NOTIFY_SOCKET": listener.address, "WATCHDOG_USEC": "2000000",
        ])
        defer { daemon.kill() }

        // Start-up: READY=1, and a STATUS= line (with READY or on its own).
        let startup = try #require(await expectMessage(listener, "READY", "1", timeout: 30), "\(daemon.stderr)")
        var statuses = startup.compactMap { Service.fields($0)["STATUS"] }
        if statuses.isEmpty {
            statuses =
                await expectMessage(listener, "STATUS", timeout: 5)?.compactMap { Service.fields($0)["STATUS"] } ?? []
        }
        // The one-line summary `systemctl status` shows: feeds ok/failing, alerts today.
        #expect(statuses.last?.contains("1 feed: ") == true && statuses.last?.contains(" today") == true, "\(statuses)")

        // SIGHUP at once after READY=1 (systemd may reload straight away): RELOADING=1 with MONOTONIC_USEC
        // (CLOCK_MONOTONIC, now), then READY=1 again; the process stays up.
        let before = Service.monotonicMicroseconds()
        daemon.signal(SIGHUP)
        let reload = try #require(await expectMessage(listener, "RELOADING", "1", timeout: 10), "\(daemon.stderr)")
        let reloading = Service.fields(reload.last!)
        let usec = try #require(reloading["MONOTONIC_USEC"].flatMap(UInt64.init), "\(reloading)")
        #expect(usec >= before && usec <= Service.monotonicMicroseconds(), "MONOTONIC_USEC \(usec) is not now")
        let afterReload = await expectMessage(listener, "READY", "1", timeout: 10)
        #expect(afterReload?.allSatisfy { Service.fields($0)["STOPPING"] == nil } == true)
        #expect(daemon.isRunning, "\(daemon.stderr)")

        // Healthy: WATCHDOG=1 every second (half of WATCHDOG_USEC), while the feed is polled every second.
        #expect(await world.waitForAlerts(timeout: 15) { $0.count == 1 }, "\(daemon.stderr)")
        let healthy = await listener.all(for: 3.2).filter { Service.fields($0)["WATCHDOG"] == "1" }
        #expect(healthy.count >= 2, "\(healthy.count) pings in 3.2 s")
        #expect(healthy.count <= 5, "pings come at half the watchdog period, not in a burst: \(healthy.count)")

        // SIGTERM: STOPPING=1, then exit 0.
        daemon.signal(SIGTERM)
        _ = await expectMessage(listener, "STOPPING", "1", timeout: 10)
        let end = await daemon.wait(timeout: 10)
        #expect(end == .init(status: 0, bySignal: false), "\(daemon.stderr)")
    }

    @Test func watchdogStopsWhileTheStoreIsStuckAndResumesAfter() async throws {
        let world = try ServiceWorld()
        world.serve("/wire.xml", Self.rafah)
        try world.writeConfig(
            feeds: [.init(name: "Wire", path: "/wire.xml")], topics: [.init(id: "gaza", query: "Rafah")])
        // An abstract socket this time (`@name`), as a container manager may use.
        let listener = try NotifySocketListener()
        let daemon = try world.startDaemon(environment: [
            "NOTIFY_SOCKET": listener.address, "WATCHDOG_USEC": "2000000",
        ])
        defer { daemon.kill() }
        _ = try #require(await expectMessage(listener, "READY", "1", timeout: 30), "\(daemon.stderr)")
        #expect(await world.waitForAlerts(timeout: 15) { $0.count == 1 }, "\(daemon.stderr)")
        _ = try #require(await expectMessage(listener, "WATCHDOG", "1", timeout: 5))

        // Another process takes the database's write lock: the daemon's next write (it polls every second) blocks.
        let database = world.databasePath
        let lock = try await Service.blocking { try SQLiteWriteLock(database: database) }
        // Within a poll interval a write blocks; a ping interval later the daemon stops pinging and says why.
        #expect(
            await daemon.waitForStderr(timeout: 15) { s in
                Service.lines(s).contains { $0.contains("watchdog: not telling systemd") && $0.contains("store") }
            }, "\(daemon.stderr)")
        // A ping sent just before may still be queued; after that, silence.
        _ = await listener.all(for: 0.3)
        let whileStuck = await listener.all(for: 3).filter { Service.fields($0)["WATCHDOG"] == "1" }
        #expect(whileStuck.isEmpty, "WATCHDOG=1 went on while the store was stuck: \(whileStuck.count) pings")
        #expect(daemon.isRunning)

        // The lock goes: the blocked write completes and the pings come back.
        await Service.blocking { lock.release() }
        _ = await expectMessage(listener, "WATCHDOG", "1", timeout: 10)
        #expect(await daemon.waitForStderr(containing: "watchdog: healthy again", timeout: 5), "\(daemon.stderr)")
        daemon.signal(SIGTERM)
        #expect(await daemon.wait(timeout: 10)?.status == 0, "\(daemon.stderr)")
    }

    @Test func withoutNotifySocketNothingIsSentAndTheDaemonRuns() async throws {
        let world = try ServiceWorld()
        world.serve("/wire.xml", Self.rafah)
        try world.writeConfig(
            feeds: [.init(name: "Wire", path: "/wire.xml")], topics: [.init(id: "gaza", query: "Rafah")])
        // Debug level: a failed notification would be logged there ("sd_notify failed").
        let daemon = try world.startDaemon(environment: ["WATCHDOG_USEC": "2000000"], logLevel: "debug")
        defer { daemon.kill() }

        #expect(await world.waitForAlerts(timeout: 30) { $0.count == 1 }, "\(daemon.stderr)")
        daemon.signal(SIGHUP)
        #expect(await daemon.waitForStderr(containing: "config reloaded", timeout: 10), "\(daemon.stderr)")
        daemon.signal(SIGTERM)
        #expect(await daemon.wait(timeout: 10) == .init(status: 0, bySignal: false), "\(daemon.stderr)")
        #expect(!daemon.stderr.contains("sd_notify"), "\(daemon.stderr)")
        #expect(!daemon.stderr.contains("NOTIFY_SOCKET"), "\(daemon.stderr)")
    }
}
