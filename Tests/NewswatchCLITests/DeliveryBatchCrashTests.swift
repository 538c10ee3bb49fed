import Foundation
import NewswatchTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A batch under `kill -9` (CONTRACT §10): the daemon killed while its batch is in flight resends the SAME batch
/// after a restart (same alerts, same period, the same Matrix transaction id), and never a further one.
@Suite struct DeliveryBatchCrashTests {
    static let matrixToken = "syt_batchtoken"

    @Test func aBatchInFlightAtKillIsResentWholeAndOnlyOnce() async throws {
        let feed = DeliveryTimingCommandTests.rss([
            ("m1", "Wheat prices climb again", "Tue, 24 Nov 2026 23:20:00 GMT"),
            ("m2", "Wheat harvest breaks a record", "Tue, 24 Nov 2026 23:21:00 GMT"),
        ])
        // Until the kill, every delivery hangs: the daemon has sent the batch and cannot have marked it delivered.
        let hang = HangSwitch()
        let server = try LoopbackHTTPServer.start { request in
            if request.path == "/wire.xml" { return .ok(feed) }
            return hang.on ? LoopbackHTTPServer.Response(status: 200, body: .hang) : .ok("{}")
        }
        defer { server.stop() }
        let dir = try TemporaryDirectory(prefix: "newswatch-batch-crash")
        defer { dir.remove() }
        let token = try dir.write("matrix.token", Self.matrixToken + "\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: token.path)
        let config = try dir.write(
            "newswatch.toml",
            """
            [daemon]
            state_dir = "state"
            output_dir = "out"
            allow_private_networks = true
            backfill = "6h"
            interval = "1s"

            [digest]
            timezone = "UTC"

            [[feeds]]
            url = "\(server.url("/wire.xml"))"
            name = "Wire"

            [[topics]]
            id = "markets"
            query = 'Wheat'
            delivery = "batch"
            batch = "1m"

            [[alerts.sinks]]
            type = "webhook"
            url = "\(server.url("/hook"))"

            [[alerts.sinks]]
            type = "webhook"
            format = "matrix"
            url = "\(server.url("/"))"
            token_file = "./matrix.token"
            room = "!desk:example.org"
            """)
        func sent() -> (hook: [LoopbackHTTPServer.Request], matrix: [LoopbackHTTPServer.Request]) {
            (server.requests(for: "/hook"), server.requests.filter { $0.path.hasPrefix("/_matrix/") })
        }

        // The test clock starts 10 s before the batch period ends: the daemon sends the batch 10 s after it starts.
        let daemon = try DaemonProcess(
            ["run", "--config", config.path], logFile: dir.url.appendingPathComponent("life1.log"),
            environment: ["NEWSWATCH_TEST_NOW": "2026-11-24T23:29:50Z"])
        let deadline = Date().addingTimeInterval(120)
        while (sent().hook.isEmpty || sent().matrix.isEmpty) && Date() < deadline && daemon.isRunning {
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        daemon.send(SIGKILL)
        await daemon.waitForExit(timeout: 30)
        #expect(daemon.wasSignalled, "\(daemon.log)")
        let first = sent()
        #expect(first.hook.count == 1 && first.matrix.count == 1, "\(daemon.log)")
        hang.on = false

        // A restart after the period: the same batch again, whole; a further run sends nothing.
        for (i, now) in ["2026-11-24T23:35:00Z", "2026-11-24T23:36:00Z"].enumerated() {
            let life = try DaemonProcess(
                ["run", "--once", "--config", config.path], logFile: dir.url.appendingPathComponent("once\(i).log"),
                environment: ["NEWSWATCH_TEST_NOW": now])
            #expect(await life.waitForExit(timeout: 60) && life.status == 0, "\(life.log)")
        }
        let after = sent()
        #expect(after.hook.count == 2 && after.matrix.count == 2)
        guard after.hook.count == 2, after.matrix.count == 2 else { return }
        #expect(after.hook[0].bodyText == after.hook[1].bodyText)
        #expect(after.hook[0].header("X-Newswatch-Batch-ID") == after.hook[1].header("X-Newswatch-Batch-ID"))
        #expect(after.hook[0].header("X-Newswatch-Batch-ID")?.count == 32)
        #expect(after.hook[1].bodyText.contains("\"kind\":\"batch\""))
        #expect(after.hook[1].bodyText.contains("Wheat prices") && after.hook[1].bodyText.contains("Wheat harvest"))
        #expect(after.matrix[0].path == after.matrix[1].path)
        #expect(after.matrix[0].bodyText == after.matrix[1].bodyText)
        let lines = try String(
            contentsOf: dir.url.appendingPathComponent("out/alerts/2026-11-24.jsonl"), encoding: .utf8
        ).split(separator: "\n")
        #expect(lines.count == 2)
    }
}

/// Whether the receiver leaves deliveries unanswered; set by the test, read on the server's threads.
private final class HangSwitch: @unchecked Sendable {
    // Owner: `lock` guards `value`.
    private let lock = NSLock()
    private var value = true

    var on: Bool {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
