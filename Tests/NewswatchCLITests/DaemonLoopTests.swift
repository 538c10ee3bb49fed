import Foundation
import NewswatchTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `newswatch run` in continuous mode, end to end: the built daemon against loopback feeds with a 1 s interval,
/// stopped with SIGTERM (CONTRACT §1, §4, §6, §7). Every wait is bounded and polls the server or the alert files.
@Suite struct DaemonLoopTests {
    typealias FeedWorld = RunOnceTests.FeedWorld

    static func config(_ dir: TemporaryDirectory, feeds: [(name: String, url: String)]) throws -> URL {
        var text = """
            [daemon]
            state_dir = "state"
            output_dir = "out"
            allow_private_networks = true
            interval = "1s"
            timeout = "8s"

            [digest]
            timezone = "UTC"

            [[topics]]
            id = "gaza"
            name = "Gaza"
            query = 'Gaza OR Rafah'

            """
        for feed in feeds { text += "\n[[feeds]]\nurl = \"\(feed.url)\"\nname = \"\(feed.name)\"\n" }
        return try dir.write("newswatch.toml", text)
    }

    static func rss(_ title: String, _ items: [(guid: String, title: String)]) -> String {
        RunOnceTests.rss(
            title, items.map { ($0.guid, $0.title, "https://\(title.lowercased()).example/\($0.guid)", 120) })
    }

    /// Waits (bounded, polling) until `condition` holds; records an issue and returns false if it never does.
    @discardableResult
    static func wait(
        _ what: String, timeout: TimeInterval = 20, sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: () -> Bool
    ) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        if condition() { return true }
        Issue.record("timed out waiting until \(what)", sourceLocation: sourceLocation)
        return false
    }

    static func titles(_ dir: TemporaryDirectory) -> [String] {
        AlertFiles.lines(in: dir.url.appendingPathComponent("out/alerts")).map(\.title)
    }

    /// SIGTERM, then expects exit 0 within the 10 s CONTRACT §7 allows.
    static func stop(_ daemon: DaemonProcess, sourceLocation: SourceLocation = #_sourceLocation) async {
        daemon.send(SIGTERM)
        let exited = await daemon.waitForExit(timeout: 10)
        #expect(exited, "still running 10 s after SIGTERM", sourceLocation: sourceLocation)
        #expect(
            exited && !daemon.wasSignalled && daemon.status == 0, "exit \(daemon.status): \(daemon.log)",
            sourceLocation: sourceLocation)
    }

    // MARK: - Polling

    @Test func pollsOnItsIntervalWithConditionalGetAndAlertsANewItemWithinACoupleOfPolls() async throws {
        let world = FeedWorld()
        world.set("/wire.xml", Self.rss("Wire", [("w1", "Aid convoy reaches Gaza")]))
        world.set("/desk.xml", Self.rss("Desk", [("d1", "Markets calm in Tokyo")]))
        let server = try LoopbackHTTPServer.start(handler: world.handle)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let cfg = try Self.config(
            dir, feeds: [("Wire", server.url("/wire.xml")), ("Desk", server.url("/desk.xml"))])
        let daemon = try DaemonProcess(["run", "--config", cfg.path], logFile: dir.file("run.log"))

        await Self.wait("the wire is polled four times") { server.requests(for: "/wire.xml").count >= 4 }
        let repeats = server.requests(for: "/wire.xml").dropFirst()
        #expect(repeats.allSatisfy { $0.header("If-None-Match") != nil }, "a repeat poll was not conditional")
        #expect(Self.titles(dir) == ["Aid convoy reaches Gaza"])

        // A new item while it runs: alerted by the first poll that sees it.
        let before = server.requests(for: "/wire.xml").count
        world.set("/wire.xml", Self.rss("Wire", [("w2", "Rafah crossing reopens"), ("w1", "Aid convoy reaches Gaza")]))
        await Self.wait("the new item is alerted") { Self.titles(dir).contains("Rafah crossing reopens") }
        let polls = server.requests(for: "/wire.xml").count - before
        #expect(polls >= 1 && polls <= 3, "alerted only after \(polls) polls")

        await Self.stop(daemon)
        #expect(Self.titles(dir) == ["Aid convoy reaches Gaza", "Rafah crossing reopens"])
        #expect(server.requests(for: "/desk.xml").count >= 3, "the other feed is polled on its interval too")
    }

    @Test func aFailingFeedBacksOffWhileTheOthersGoOn() async throws {
        let world = FeedWorld()
        world.set("/healthy.xml", Self.rss("Healthy", [("h1", "Storm warning lifted")]))
        world.set("/broken.xml", status: 500, "")
        let server = try LoopbackHTTPServer.start(handler: world.handle)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let cfg = try Self.config(
            dir, feeds: [("Healthy", server.url("/healthy.xml")), ("Broken", server.url("/broken.xml"))])
        let daemon = try DaemonProcess(["run", "--config", cfg.path], logFile: dir.file("run.log"))

        await Self.wait("the healthy feed is polled five times") { server.requests(for: "/healthy.xml").count >= 5 }
        world.set(
            "/healthy.xml",
            Self.rss("Healthy", [("h2", "Gaza fishermen return to sea"), ("h1", "Storm warning lifted")]))
        await Self.wait("the healthy feed's new item is alerted") {
            Self.titles(dir).contains("Gaza fishermen return to sea")
        }
        await Self.wait("the healthy feed is polled twelve times", timeout: 30) {
            server.requests(for: "/healthy.xml").count >= 12
        }
        let healthy = server.requests(for: "/healthy.xml").count
        let broken = server.requests(for: "/broken.xml").count
        // Backoff 1, 2, 4, 8 s … against a 1 s interval: far fewer tries than polls of the healthy feed.
        #expect(broken >= 2, "the failing feed is still retried")
        #expect(broken * 2 <= healthy, "failing feed fetched \(broken) times, healthy \(healthy)")
        await Self.stop(daemon)
        let failures = daemon.log.split(separator: "\n").filter { $0.contains("feed failed") && $0.contains("Broken") }
        // One log line per failure (a retry cut short by SIGTERM is not a failure of the feed).
        #expect(failures.count == broken || failures.count == broken - 1, "\(failures.count) lines, \(broken) tries")
    }

    // MARK: - State across restarts

    @Test func aFeedRemovedAndRestoredKeepsItsStateAcrossRestarts() async throws {
        let world = FeedWorld()
        let x1 = (guid: "x1", title: "Gaza ceasefire talks resume")
        let x2 = (guid: "x2", title: "Rafah crossing opens for aid")
        world.set("/wire.xml", Self.rss("Wire", [x1]))
        world.set("/desk.xml", Self.rss("Desk", [("d1", "Quiet day at the desk")]))
        let server = try LoopbackHTTPServer.start(handler: world.handle)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let both = [("Wire", server.url("/wire.xml")), ("Desk", server.url("/desk.xml"))]
        var cfg = try Self.config(dir, feeds: both)

        // 1. Both feeds: x1 alerts.
        var daemon = try DaemonProcess(["run", "--config", cfg.path], logFile: dir.file("run1.log"))
        await Self.wait("x1 is alerted") { Self.titles(dir) == [x1.title] }
        await Self.stop(daemon)

        // 2. The wire is removed from the config; meanwhile it drops x1. The daemon never asks for it.
        world.set("/wire.xml", Self.rss("Wire", [x2]))
        cfg = try Self.config(dir, feeds: [("Desk", server.url("/desk.xml"))])
        let wireBefore = server.requests(for: "/wire.xml").count
        let deskBefore = server.requests(for: "/desk.xml").count
        daemon = try DaemonProcess(["run", "--config", cfg.path], logFile: dir.file("run2.log"))
        await Self.wait("the desk is polled twice") { server.requests(for: "/desk.xml").count >= deskBefore + 2 }
        await Self.stop(daemon)
        #expect(server.requests(for: "/wire.xml").count == wireBefore, "a removed feed was fetched")

        // 3. Restored, after a restart: it resumes with its stored validators; x2 is new, x1 (back again) is not.
        world.set("/wire.xml", Self.rss("Wire", [x1]))
        cfg = try Self.config(dir, feeds: both)
        daemon = try DaemonProcess(["run", "--config", cfg.path], logFile: dir.file("run3.log"))
        await Self.wait("the restored wire is polled") { server.requests(for: "/wire.xml").count > wireBefore }
        let resumed = server.requests(for: "/wire.xml")[wireBefore]
        #expect(resumed.header("If-None-Match") != nil, "the restored feed's validators were lost")
        world.set("/wire.xml", Self.rss("Wire", [x2]))
        await Self.wait("x2 is alerted") { Self.titles(dir).contains(x2.title) }
        let polled = server.requests(for: "/wire.xml").count
        world.set("/wire.xml", Self.rss("Wire", [x1, x2]))
        await Self.wait("the wire is polled with x1 back") { server.requests(for: "/wire.xml").count >= polled + 2 }
        await Self.stop(daemon)

        // 4. One more restart and a few polls: still nothing new.
        daemon = try DaemonProcess(["run", "--config", cfg.path], logFile: dir.file("run4.log"))
        let again = server.requests(for: "/wire.xml").count
        await Self.wait("the wire is polled twice more") { server.requests(for: "/wire.xml").count >= again + 2 }
        await Self.stop(daemon)
        #expect(Self.titles(dir) == [x1.title, x2.title])
    }

    // MARK: - SIGTERM

    @Test func sigtermExitsZeroPromptlyWithEveryOwedAlertWritten() async throws {
        let world = FeedWorld()
        world.set("/many.xml", Self.rss("Many", [("m0", "Gaza morning briefing")]))
        let server = try LoopbackHTTPServer.start { request in
            // A feed that takes 3 s to answer: often in flight when SIGTERM arrives.
            if request.path == "/slow.xml" {
                var r = LoopbackHTTPServer.Response.ok(Self.rss("Slow", [("s1", "Slow news day")]))
                r.delay = 3
                return r
            }
            return world.handle(request)
        }
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let cfg = try Self.config(
            dir, feeds: [("Many", server.url("/many.xml")), ("Slow", server.url("/slow.xml"))])
        let daemon = try DaemonProcess(["run", "--config", cfg.path], logFile: dir.file("run.log"))
        await Self.wait("the first alert") { Self.titles(dir) == ["Gaza morning briefing"] }

        // Sixty new matching items: SIGTERM as soon as their ingest is logged, before the sink may have run.
        let items = (1...60).map { (guid: "m\($0)", title: "Rafah update number \($0) from the crossing") }
        world.set("/many.xml", Self.rss("Many", items + [("m0", "Gaza morning briefing")]))
        await Self.wait("the new items are ingested") {
            daemon.log.split(separator: "\n").contains { $0.contains(": fetched") && $0.contains("new=60") }
        }
        await Self.stop(daemon)
        let titles = Self.titles(dir)
        #expect(titles.count == 61, "\(titles.count) alerts in the file after SIGTERM")
        #expect(Set(titles) == Set(items.map(\.title) + ["Gaza morning briefing"]))
        for (name, data) in AlertFiles.files(in: dir.url.appendingPathComponent("out/alerts")) {
            #expect(data.last == UInt8(ascii: "\n"), "\(name) ends in a torn line")
        }

        // Nothing was left owed: a later round writes nothing more.
        let once = try await DaemonProcess.run(["run", "--once", "--config", cfg.path], logFile: dir.file("once.log"))
        #expect(once.status == 0)
        #expect(Self.titles(dir).count == 61)
    }
}
