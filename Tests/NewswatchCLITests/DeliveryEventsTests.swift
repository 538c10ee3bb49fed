import Foundation
import NewswatchTestSupport
import Testing

/// Escalation and operator events end to end (CONTRACT §10): the built daemon, loopback feeds with a 1 s interval,
/// a loopback receiver with a JSON webhook for alerts and an events-only webhook (`topics = []`).
@Suite struct DeliveryEventsTests {
    typealias FeedWorld = RunOnceTests.FeedWorld

    static func config(_ dir: TemporaryDirectory, feeds: [(name: String, url: String)], hook: String, events: String)
        throws -> URL
    {
        var text = """
            [daemon]
            state_dir = "state"
            output_dir = "out"
            allow_private_networks = true
            interval = "1s"
            timeout = "8s"
            feed_down_after = "2s"

            [digest]
            timezone = "UTC"

            [[topics]]
            id = "gaza"
            name = "Gaza"
            query = 'Gaza OR Rafah'
            escalate_sources = 3

            [[alerts.sinks]]
            type = "webhook"
            url = "\(hook)"

            [[alerts.sinks]]
            type = "webhook"
            url = "\(events)"
            topics = []
            events = ["feed_down", "feed_recovered"]

            """
        for feed in feeds { text += "\n[[feeds]]\nurl = \"\(feed.url)\"\nname = \"\(feed.name)\"\n" }
        return try dir.write("newswatch.toml", text)
    }

    /// A feed carrying the shared story (same link on every feed) or only its own filler item.
    static func rss(_ name: String, story: Bool) -> String {
        var items = [
            (guid: "\(name)-filler", title: "\(name) weather report", link: "https://\(name).example/w", ago: 60.0)
        ]
        if story {
            items.insert(("\(name)-story", "Rafah crossing reopens for aid", "https://wire.example/rafah", 30), at: 0)
        }
        return RunOnceTests.rss(name, items)
    }

    static func objects(_ server: LoopbackHTTPServer, _ path: String) -> [[String: Any]] {
        server.requests(for: path).compactMap { (try? JSONSerialization.jsonObject(with: $0.body)) as? [String: Any] }
    }

    @Test func aStoryReachingThreeSourcesUpdatesOnceAndADeadFeedRaisesDownThenRecovered() async throws {
        let world = FeedWorld()
        world.set("/a.xml", Self.rss("alpha", story: true))
        world.set("/b.xml", Self.rss("bravo", story: false))
        world.set("/c.xml", Self.rss("charlie", story: false))
        world.set("/d.xml", Self.rss("delta", story: false))
        let server = try LoopbackHTTPServer.start { request in
            request.method == "POST" ? .status(200) : world.handle(request)
        }
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let cfg = try Self.config(
            dir,
            feeds: [
                ("Alpha", server.url("/a.xml")), ("Bravo", server.url("/b.xml")), ("Charlie", server.url("/c.xml")),
                ("Delta", server.url("/d.xml")),
            ], hook: server.url("/hook"), events: server.url("/events"))
        let daemon = try DaemonProcess(["run", "--config", cfg.path], logFile: dir.file("run.log"))
        let alerts = { AlertFiles.lines(in: dir.url.appendingPathComponent("out/alerts")) }
        let events = { AlertFiles.lines(in: dir.url.appendingPathComponent("out/events")) }

        // 1 source: the first alert. 2 sources: nothing. 3 sources: one update.
        await DaemonLoopTests.wait("the story alerts") { alerts().count == 1 }
        world.set("/b.xml", Self.rss("bravo", story: true))
        await DaemonLoopTests.wait("bravo is polled twice more") { server.requests(for: "/b.xml").count >= 4 }
        #expect(alerts().count == 1, "a second source alone must not alert")
        world.set("/c.xml", Self.rss("charlie", story: true))
        await DaemonLoopTests.wait("the update alerts") { alerts().count == 2 }

        // Delta dies: feed_down after 2 s; it answers again: feed_recovered.
        world.set("/d.xml", status: 500, "")
        await DaemonLoopTests.wait("feed_down is written", timeout: 30) { events().count == 1 }
        world.set("/d.xml", Self.rss("delta", story: false))
        await DaemonLoopTests.wait("feed_recovered is written", timeout: 40) { events().count == 2 }
        await DaemonLoopTests.wait("the events sink gets both") { server.requests(for: "/events").count == 2 }
        await DaemonLoopTests.wait("the alert sink gets both alerts") { server.requests(for: "/hook").count == 2 }
        let more = server.requests(for: "/a.xml").count
        await DaemonLoopTests.wait("alpha is polled three more times") {
            server.requests(for: "/a.xml").count >= more + 3
        }
        await DaemonLoopTests.stop(daemon)

        let lines = alerts()
        try #require(lines.count == 2, "\(lines.map(\.text))")
        let (first, update) = (lines[0].object, lines[1].object)
        #expect(first["kind"] as? String == "new")
        #expect(first["sources"] as? Int == 1)
        #expect(update["kind"] as? String == "update")
        #expect(update["sources"] as? Int == 3)
        #expect(update["previous_sources"] as? Int == 1)
        #expect(update["story"] as? String == first["story"] as? String)
        #expect(update["id"] as? String != first["id"] as? String)
        #expect(update["title"] as? String == "Rafah crossing reopens for aid")

        let written = events().map(\.object)
        #expect(written.map { $0["kind"] as? String } == ["feed_down", "feed_recovered"])
        #expect(written.allSatisfy { $0["feed"] as? String == "Delta" && $0["url"] as? String == server.url("/d.xml") })
        #expect(written.first?["since"] as? String == written.last?["since"] as? String)
        #expect(Set(written.first.map { Array($0.keys) } ?? []) == ["id", "kind", "feed", "url", "since", "error"])

        // The events-only sink got the two events and no alert; the alert sink got the two alerts and no event.
        #expect(Self.objects(server, "/events").map { $0["kind"] as? String } == ["feed_down", "feed_recovered"])
        #expect(Self.objects(server, "/hook").map { $0["kind"] as? String } == ["new", "update"])
    }
}
