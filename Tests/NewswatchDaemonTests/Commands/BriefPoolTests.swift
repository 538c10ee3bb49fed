import Foundation
import NewswatchSystem
import NewswatchTestSupport
import Synchronization
import Testing

@testable import NewswatchDaemon

/// `parse --brief`'s pool: results in index order whatever order the work finishes in, and bounded work in flight.
@Suite struct BriefPoolTests {
    /// What the work saw: how many ran at once and how far ahead of the delivered results it was started.
    final class Watch: Sendable {
        struct State {
            var running = 0
            var mostRunning = 0
            var delivered = 0
            var farthestAhead = 0
        }
        let state = Mutex(State())

        func start(_ index: Int) {
            state.withLock {
                $0.running += 1
                $0.mostRunning = max($0.mostRunning, $0.running)
                $0.farthestAhead = max($0.farthestAhead, index - $0.delivered)
            }
        }
        func end() { state.withLock { $0.running -= 1 } }
        func delivered() { state.withLock { $0.delivered += 1 } }
    }

    @Test(arguments: [1, 2, 3])
    func deliversInIndexOrderWithBoundedWorkInFlight(workers: Int) async {
        let count = 300
        let watch = Watch()
        var seen: [Int] = []
        await BriefPool.run(count: count, workers: workers) { index in
            watch.start(index)
            // Early indexes take longest, so later ones finish first whenever two run at once.
            try? await Task.sleep(for: .microseconds((index * 7919) % 13 * 150 + (index % 50 == 0 ? 5_000 : 0)))
            watch.end()
            return index
        } deliver: { index in
            seen.append(index)
            watch.delivered()
        }
        #expect(seen == Array(0..<count))
        let state = watch.state.withLock { $0 }
        #expect(state.mostRunning <= workers)
        #expect(state.farthestAhead < workers * BriefPool.windowPerWorker)
        if workers > 1 { #expect(state.mostRunning > 1, "the pool never ran two at once") }
    }

    @Test func nothingToDoDeliversNothing() async {
        var seen = 0
        await BriefPool.run(count: 0, workers: 2) {
            $0
        } deliver: { _ in
            seen += 1
        }
        #expect(seen == 0)
    }

    /// The lines reach `write` in argument order, in chunks, the first failure's status is the command's.
    @Test func parseBriefWritesEveryLineInOrder() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("briefpool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var sources: [String] = []
        var expected: [String] = []
        for i in 0..<120 {
            let path = dir.appendingPathComponent("f\(i).xml").path
            sources.append(path)
            if i % 37 == 5 {
                expected.append("\(path): error: no such file; give a feed file, - or a URL")
                continue
            }
            let items = (0..<(i % 9 == 0 ? 400 : i % 4)).map { "<item><title>t\($0)</title></item>" }.joined()
            try Data("<rss version=\"2.0\"><channel>\(items)</channel></rss>".utf8).write(
                to: URL(fileURLWithPath: path))
            let n = i % 9 == 0 ? 400 : i % 4
            expected.append("\(path): rss2.0, \(n) item\(n == 1 ? "" : "s")")
        }
        let chunks = Mutex<[String]>([])
        let failure = await Commands.parseBrief(sources: sources, allowPrivateNetworks: false, workers: 2) { chunk in
            chunks.withLock { $0.append(chunk) }
        }
        let written = chunks.withLock { $0 }
        #expect(written.allSatisfy { $0.hasSuffix("\n") })
        #expect(written.joined().split(separator: "\n").map(String.init) == expected)
        #expect(failure?.exitCode == 66)
        #expect(
            failure?.lines == [
                "4 of 120 sources could not be parsed (see the error lines above; the exit status is the first one's)"
            ])
    }

    /// Review 8b finding 1: the lines of sources before a slow one (a URL) go out while it is awaited, not when it
    /// ends.
    @Test func linesBeforeASlowSourceGoOutWhileItIsAwaited() async throws {
        let release = Locked(false)
        let server = try LoopbackHTTPServer.start { _ in
            let deadline = Date().addingTimeInterval(30)
            while !release.withLock({ $0 }) && Date() < deadline { usleep(20_000) }
            return .ok("<rss version=\"2.0\"><channel><item><title>t</title></item></channel></rss>")
        }
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let files = try ["a.xml", "b.xml"].map { name in
            let url = dir.file(name)
            try Data("<rss version=\"2.0\"><channel></channel></rss>".utf8).write(to: url)
            return url.path
        }
        let chunks = Mutex<[String]>([])
        let run = Task {
            await Commands.parseBrief(sources: files + [server.url("/slow")], allowPrivateNetworks: true, workers: 2) {
                chunk in chunks.withLock { $0.append(chunk) }
            }
        }
        var early = false
        for _ in 0..<100 where !early {
            early = chunks.withLock { $0.joined() }.contains("b.xml: rss2.0, 0 items\n")
            if !early { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(early, "the files' lines waited for the slow URL")
        release.withLock { $0 = true }
        #expect(await run.value == nil)
        #expect(chunks.withLock { $0.joined() }.hasSuffix("/slow: rss2.0, 1 item\n"))
    }

    /// Review 8b findings 2–3: two streams (however spelled) are read one at a time; URL sources at most two at once
    /// (the daemon's per-host limit); regular files, one stream among them or a missing file on all workers.
    @Test func streamsRunAloneAndURLsTwoAtATime() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let file = dir.file("a.xml")
        try Data("<rss/>".utf8).write(to: file)
        let fifo = dir.file("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(Commands.briefWorkers([file.path, file.path, dir.file("missing.xml").path, dir.path], cores: 8) == 8)
        #expect(Commands.briefWorkers([file.path, "-"], cores: 8) == 8)
        #expect(Commands.briefWorkers(["-", "/dev/stdin"], cores: 8) == 1)
        #expect(Commands.briefWorkers([fifo, file.path, fifo], cores: 8) == 1)
        #expect(Commands.briefWorkers([file.path, "https://a.example/rss", "HTTP://b.example/"], cores: 8) == 2)
        #expect(Commands.briefWorkers(["https://a.example/rss"], cores: 1) == 1)
    }
}
