import Foundation
import NewswatchTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `SIGHUP` to a running daemon (CONTRACT §6, §7): a valid new config replaces the old without a restart, an
/// invalid one is refused with one error line and the old keeps working.
@Suite struct ServiceReloadTests {
    @Test func aValidConfigAddsAFeedAndATopic() async throws {
        let world = try ServiceWorld()
        world.serve(
            "/wire.xml",
            ServiceWorld.rss("Wire", [("w1", "Israeli strikes hit Rafah overnight"), ("w2", "Shelling in Kharkiv")]))
        world.serve("/desk.xml", ServiceWorld.rss("Desk", [("d1", "Drone attack on Kharkiv power station")]))
        let wire = ServiceWorld.Feed(name: "Wire", path: "/wire.xml")
        let gaza = ServiceWorld.Topic(id: "gaza", query: "Rafah")
        try world.writeConfig(feeds: [wire], topics: [gaza])
        let daemon = try world.startDaemon()
        defer { daemon.kill() }
        #expect(await world.waitForAlerts(timeout: 30) { $0.count == 1 }, "\(daemon.stderr)")
        #expect(world.server.requests(for: "/desk.xml").isEmpty)

        // Add a feed and a topic; the daemon keeps running and takes both.
        try world.writeConfig(
            feeds: [wire, .init(name: "Desk", path: "/desk.xml")],
            topics: [gaza, .init(id: "ukraine", query: "Kharkiv OR Kyiv")])
        daemon.signal(SIGHUP)
        #expect(await daemon.waitForStderr(containing: "config reloaded", timeout: 10), "\(daemon.stderr)")
        #expect(
            await world.waitForAlerts(timeout: 15) { alerts in
                alerts.contains { $0["topic"] as? String == "ukraine" && $0["feed"] as? String == "Desk" }
            }, "\(daemon.stderr)")
        #expect(!world.server.requests(for: "/desk.xml").isEmpty)
        let alerts = try world.alerts()
        // Wire's Kharkiv item was seen before the topic existed: an unchanged known item never alerts.
        #expect(
            alerts.map { "\($0["feed"]!)/\($0["topic"]!)" }.sorted() == ["Desk/ukraine", "Wire/gaza"],
            "\(alerts)")
        #expect(daemon.isRunning)
        daemon.signal(SIGTERM)
        #expect(await daemon.wait(timeout: 10)?.status == 0, "\(daemon.stderr)")
    }

    @Test func anInvalidConfigIsRefusedWithOneLineAndTheOldKeepsWorking() async throws {
        let world = try ServiceWorld()
        world.serve("/wire.xml", ServiceWorld.rss("Wire", [("w1", "Israeli strikes hit Rafah overnight")]))
        let wire = ServiceWorld.Feed(name: "Wire", path: "/wire.xml")
        let gaza = ServiceWorld.Topic(id: "gaza", query: "Rafah OR Gaza")
        try world.writeConfig(feeds: [wire], topics: [gaza])
        let listener = try NotifySocketListener(directory: world.dir.url)
        let daemon = try world.startDaemon(environment: ["NOTIFY_SOCKET": listener.address])
        defer { daemon.kill() }
        #expect(await listener.next(until: { Service.fields($0)["READY"] == "1" }, timeout: 30) != nil)
        #expect(await world.waitForAlerts(timeout: 30) { $0.count == 1 }, "\(daemon.stderr)")

        // A topic whose query does not parse, on a known line of the new file.
        let bad = try world.writeConfig(feeds: [wire], topics: [gaza, .init(id: "broken", query: "(Kyiv OR")])
        let text = try String(contentsOf: bad, encoding: .utf8)
        let badLine =
            try #require(
                text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex {
                    $0.contains("(Kyiv OR")
                }) + 1
        let errorsBefore = Service.lines(daemon.stderr).filter { $0.contains(" error ") }.count
        daemon.signal(SIGHUP)
        // systemd sees the reload end (READY=1) whether the file was taken or not.
        let reload = await listener.next(until: { Service.fields($0)["READY"] == "1" }, timeout: 10)
        #expect(reload?.contains { Service.fields($0)["RELOADING"] == "1" } == true)
        #expect(
            await daemon.waitForStderr(timeout: 10) { s in
                Service.lines(s).filter { $0.contains(" error ") }.count > errorsBefore
            }, "\(daemon.stderr)")
        let errors = Service.lines(daemon.stderr).filter { $0.contains(" error ") }.dropFirst(errorsBefore)
        #expect(errors.count == 1, "\(errors)")
        #expect(errors.first?.contains("\(bad.path):\(badLine)") == true, "\(errors) should name line \(badLine)")
        #expect(!daemon.stderr.contains("config reloaded"))

        // The old config is still in force: Wire is still polled and a new Gaza item alerts.
        world.serve(
            "/wire.xml",
            ServiceWorld.rss(
                "Wire", [("w1", "Israeli strikes hit Rafah overnight"), ("w2", "Aid convoy reaches northern Gaza")]))
        #expect(
            await world.waitForAlerts(timeout: 15) {
                $0.map { $0["title"] as? String }.contains("Aid convoy reaches northern Gaza")
            },
            "\(daemon.stderr)")
        #expect(daemon.isRunning)
        daemon.signal(SIGTERM)
        #expect(await daemon.wait(timeout: 10)?.status == 0, "\(daemon.stderr)")
    }
}
