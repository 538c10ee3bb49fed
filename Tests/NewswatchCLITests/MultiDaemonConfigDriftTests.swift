import Foundation
import NewswatchTestSupport
import Testing

@testable import NewswatchStore

/// Two daemons on one PostgreSQL with different configs, as during a rolling reload (review finding 9): a daemon
/// never keeps a feed its config lacks, so the daemon whose config has it polls it at once, not a lease later.
@Suite struct MultiDaemonConfigDriftTests {
    /// The paths requested, in order.
    final class Hits: @unchecked Sendable {
        private let lock = NSLock()
        private var paths: [String] = []
        func add(_ path: String) { lock.withLock { paths.append(path) } }
        func count(_ path: String) -> Int { lock.withLock { paths.filter { $0 == path }.count } }
    }

    private func config(_ dir: TemporaryDirectory, name: String, feeds: [String], store: String) throws -> URL {
        try dir.write(
            "\(name).toml",
            """
            [daemon]
            state_dir = "state-\(name)"
            output_dir = "out"
            allow_private_networks = true
            interval = "1s"
            concurrency = 4

            \(feeds.enumerated().map { "[[feeds]]\nurl = \"\($1)\"\nname = \"Feed \($0)\"\n" }.joined(separator: "\n"))
            [[topics]]
            id = "gaza"
            name = "Gaza"
            query = 'Gaza OR Rafah'

            [store]
            url = "\(store)"
            lease = "60s"
            """)
    }

    private func waitUntil(_ seconds: TimeInterval, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        return try await condition()
    }

    @Test func aFeedOneDaemonDoesNotKnowIsHandedBackAndPolledByTheOther() async throws {
        let hits = Hits()
        let body = RunOnceTests.rss("Wire", [("w1", "Markets open calm", "https://wire.example/calm", 600)])
        let server = try LoopbackHTTPServer.start { request in
            hits.add(request.path)
            return .ok(body, headers: [("ETag", "\"1\"")])
        }
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let url = try PostgresCluster.makeDatabase()
        let (known, other) = (server.url("/known.xml"), server.url("/other.xml"))
        let old = try config(dir, name: "old", feeds: [known], store: url)
        let new = try config(dir, name: "new", feeds: [known, other], store: url)

        let a = try DaemonProcess(["run", "--config", old.path], logFile: dir.file("old.log"))
        defer { a.send(SIGKILL) }
        #expect(try await waitUntil(30) { hits.count("/known.xml") >= 1 }, "\(a.log)")
        // The new config's feed arrives in the store (as the new daemon's start would write it), due at once.
        let store = try await PostgresStore(location: try PostgresLocation(url: url))
        _ = try await store.rows(
            "INSERT INTO feeds(key, name, url, host) VALUES (\(other), 'Other', \(other), '127.0.0.1')", "add feed")
        // The old daemon claims it with its next claim (never polled: first in due order), hands it back, and
        // leaves it out of its claims: a few more polls of its own feed later, the feed is not held by anyone.
        let seen = hits.count("/known.xml")
        #expect(try await waitUntil(30) { hits.count("/known.xml") >= seen + 3 }, "\(a.log)")
        let held = try await store.rows("SELECT lease_owner FROM feeds WHERE key = \(other)", "lease")
        #expect(try held[0].decode(String?.self) == nil, "the old daemon holds a feed its config lacks")
        #expect(a.log.components(separatedBy: "not in this daemon's config").count - 1 == 1, "\(a.log)")
        #expect(hits.count("/other.xml") == 0)

        // The new daemon polls it within seconds, not after the 60 s lease.
        let b = try DaemonProcess(["run", "--config", new.path], logFile: dir.file("new.log"))
        defer { b.send(SIGKILL) }
        #expect(try await waitUntil(20) { hits.count("/other.xml") >= 1 }, "\(b.log)")
        for d in [a, b] { d.send(SIGTERM) }
        for d in [a, b] { #expect(await d.waitForExit(timeout: 30)) }
        await store.close()
    }
}
