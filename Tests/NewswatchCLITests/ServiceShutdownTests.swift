import Foundation
import NewswatchTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Stopping and exclusivity of `newswatch run` (CONTRACT §1, §7).
@Suite struct ServiceShutdownTests {
    @Test func sigtermDuringASlowFetchExitsZeroWithinTenSecondsWithOwedAlertsWritten() async throws {
        let world = try ServiceWorld()
        world.serve("/wire.xml", ServiceWorld.rss("Wire", [("w0", "Markets rally in Tokyo")]))
        // The slow feed answers after a minute: its fetch is in flight when the signal comes.
        world.serve("/slow.xml", ServiceWorld.rss("Slow", [("s1", "Rafah crossing closed")]), delay: 60)
        try world.writeConfig(
            feeds: [.init(name: "Wire", path: "/wire.xml"), .init(name: "Slow", path: "/slow.xml", interval: "5s")],
            topics: [.init(id: "gaza", query: "Rafah")])
        let listener = try NotifySocketListener(directory: world.dir.url)
        let daemon = try world.startDaemon(environment: ["NOTIFY_SOCKET": listener.address])
        defer { daemon.kill() }
        #expect(await daemon.waitForStderr(containing: "feed=Wire", timeout: 30), "\(daemon.stderr)")

        // The alert file cannot be written for a while (a plain file where alerts/ should be; root ignores
        // permissions, not that): the next alert stays owed in the outbox.
        let alertsDir = world.dir.file("out/alerts")
        try FileManager.default.removeItem(at: alertsDir)
        try Data().write(to: alertsDir)
        world.serve(
            "/wire.xml",
            ServiceWorld.rss("Wire", [("w0", "Markets rally in Tokyo"), ("w1", "Israeli strikes hit Rafah overnight")]))
        #expect(await daemon.waitForStderr(containing: "alert file sink", timeout: 15), "\(daemon.stderr)")
        try FileManager.default.removeItem(at: alertsDir)
        try FileManager.default.createDirectory(at: alertsDir, withIntermediateDirectories: false)
        #expect(try world.alerts().isEmpty)
        // Slow's request is hanging.
        #expect(world.server.requests(for: "/slow.xml").count == 1)

        daemon.signal(SIGTERM)
        let end = await daemon.wait(timeout: 10)
        #expect(end == .init(status: 0, bySignal: false), "\(daemon.stderr)")
        #expect(await listener.all(for: 0.2).contains { Service.fields($0)["STOPPING"] == "1" })
        // The owed alert was written on the way out.
        let alerts = try world.alerts()
        #expect(alerts.map { $0["title"] as? String } == ["Israeli strikes hit Rafah overnight"], "\(alerts)")
        // The abandoned fetch is not charged to the feed as a failure.
        #expect(!daemon.stderr.contains("feed failed"), "\(daemon.stderr)")
    }

    @Test func aSecondRunOnTheSameStateExitsOneNamingTheFirst() async throws {
        let world = try ServiceWorld()
        world.serve("/wire.xml", ServiceWorld.rss("Wire", [("w1", "Markets rally in Tokyo")]))
        try world.writeConfig(
            feeds: [.init(name: "Wire", path: "/wire.xml")], topics: [.init(id: "gaza", query: "Rafah")])
        let first = try world.startDaemon()
        defer { first.kill() }
        #expect(await first.waitForStderr(containing: "polling", timeout: 30), "\(first.stderr)")

        for arguments in [["run"], ["run", "--once"]] {
            let config = world.configURL.path
            let second = try await Service.blocking {
                try NewswatchBinary.run(arguments + ["--config", config], timeout: 30)
            }
            #expect(second.status == 1, "\(arguments): \(second.stderr)")
            // One error line (after the usual start-up log line naming the config), naming the holder's PID.
            let errors = Service.lines(second.stderr).filter { $0.hasPrefix("newswatch: ") }
            #expect(errors.count == 1, "one error line: \(second.stderr)")
            #expect(errors.first?.contains("process \(first.pid) ") == true, "names the holder: \(second.stderr)")
        }
        #expect(first.isRunning)
        first.signal(SIGTERM)
        #expect(await first.wait(timeout: 10)?.status == 0, "\(first.stderr)")
    }
}
