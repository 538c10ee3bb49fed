import Foundation
import NewswatchTestSupport
import Testing

@testable import NewswatchStore

/// The daemon on a PostgreSQL store from the outside (CONTRACT §9): `[store] url` selects it, `run --once` polls,
/// stores and alerts through it, `status` reads it, and a state moved by `store migrate` never alerts again.
@Suite struct PostgresRunTests {
    static func config(_ dir: TemporaryDirectory, _ server: LoopbackHTTPServer, store url: String?) throws -> URL {
        try dir.write(
            "newswatch.toml",
            """
            [daemon]
            state_dir = "state"
            output_dir = "out"
            allow_private_networks = true
            backfill = "6h"

            [[feeds]]
            url = "\(server.url("/wire.xml"))"
            name = "Wire"

            [[topics]]
            id = "gaza"
            name = "Gaza"
            query = 'Gaza OR Rafah'
            \(url.map { "\n[store]\nurl = \"\($0)\"\n" } ?? "")
            """)
    }

    /// Alert lines in `out/alerts/*.jsonl`.
    static func alertLines(_ dir: TemporaryDirectory) throws -> [String] {
        let folder = dir.file("out/alerts")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return try files.filter { $0.hasSuffix(".jsonl") }.sorted().flatMap { name in
            try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
                .split(separator: "\n").map(String.init)
        }
    }

    @Test func runOnceOnPostgreSQLAlertsOnceAndStatusReadsIt() async throws {
        let server = try LoopbackHTTPServer.start { _ in .ok(StoreMigrateCommandTests.feed) }
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let url = try PostgresCluster.makeDatabase()
        let cfg = try Self.config(dir, server, store: url)
        let first = try NewswatchBinary.run(["run", "--once", "--config", cfg.path], timeout: 60)
        #expect(first.status == 0, "\(first.stderr)")
        let lines = try Self.alertLines(dir)
        #expect(lines.count == 1 && lines[0].contains("Israeli strikes hit Rafah overnight"), "\(lines)")
        // No SQLite file: the state is in PostgreSQL.
        #expect(!FileManager.default.fileExists(atPath: dir.file("state/newswatch.sqlite").path))

        let second = try NewswatchBinary.run(["run", "--once", "--config", cfg.path], timeout: 60)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try Self.alertLines(dir).count == 1)

        let store = try await PostgresStore(location: try PostgresLocation(url: url))
        #expect(try await store.itemCounts().values.reduce(0, +) == 2)
        #expect(try await store.sinkSummaries().allSatisfy { $0.pending == 0 })
        await store.close()

        let status = try NewswatchBinary.run(["status", "--json", "--config", cfg.path], timeout: 60)
        #expect(status.status == 0, "\(status.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let feeds = try #require(json["feeds"] as? [[String: Any]])
        #expect(feeds.count == 1 && (feeds.first?["items"] as? Int) == 2, "\(status.stdout)")
        #expect(json["daemons"] as? [Any] != nil, "\(status.stdout)")
    }

    /// `run --once` polls every feed at once, leases or not: beside running daemons (each holding its share of the
    /// store's presence lock) it would poll their feeds a second time, so it refuses and names those with a recent
    /// heartbeat; a daemon that was killed (its session, and so its share, gone) does not hold it back.
    @Test func runOnceRefusesBesideRunningDaemons() async throws {
        let server = try LoopbackHTTPServer.start { _ in .ok(StoreMigrateCommandTests.feed) }
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let url = try PostgresCluster.makeDatabase()
        let cfg = try Self.config(dir, server, store: url)
        let store = try await PostgresStore(location: try PostgresLocation(url: url))
        try await store.registerDaemon(owner: "dead", hostName: "gone", pid: 11, version: "t", at: Date() - 600)
        try await store.registerDaemon(owner: "live", hostName: "desk-2", pid: 4242, version: "t", at: Date())
        let live = StorePresence(location: store.location, mode: .shared, applicationName: "test daemon")
        #expect(try await live.acquire())
        let refused = try NewswatchBinary.run(["run", "--once", "--config", cfg.path], timeout: 60)
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("desk-2 PID 4242") && !refused.stderr.contains("gone"), "\(refused.stderr)")
        #expect(server.requests.isEmpty, "it polled before refusing")
        #expect(try Self.alertLines(dir).isEmpty)

        _ = try await store.unregisterDaemon(owner: "live")
        await live.release()
        let ran = try NewswatchBinary.run(["run", "--once", "--config", cfg.path], timeout: 60)
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(try Self.alertLines(dir).count == 1)
        await store.close()
    }

    @Test func aMigratedStateWritesNoAlertAgain() async throws {
        let server = try LoopbackHTTPServer.start { _ in .ok(StoreMigrateCommandTests.feed) }
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let sqliteConfig = try Self.config(dir, server, store: nil)
        #expect(try NewswatchBinary.run(["run", "--once", "--config", sqliteConfig.path], timeout: 60).status == 0)
        #expect(try Self.alertLines(dir).count == 1)

        let url = try PostgresCluster.makeDatabase()
        let migrate = try NewswatchBinary.run(
            ["store", "migrate", "--to", url, "--config", sqliteConfig.path], timeout: 60)
        #expect(migrate.status == 0, "\(migrate.stderr)")
        // The same desk on PostgreSQL now, with the alert record moved aside: nothing may be written again.
        try FileManager.default.moveItem(at: dir.file("out/alerts"), to: dir.file("alerts-sqlite"))
        let pgConfig = try Self.config(dir, server, store: url)
        let run = try NewswatchBinary.run(["run", "--once", "--config", pgConfig.path], timeout: 60)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Self.alertLines(dir).isEmpty)
    }

    @Test func anUnreachableDatabaseIsOneLineWithoutTheSecret() throws {
        let server = try LoopbackHTTPServer.start { _ in .ok(StoreMigrateCommandTests.feed) }
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let port = try PostgresCluster.freePort()
        _ = try dir.write("db.secret", "hunter2-secret\n")
        _ = chmod(dir.file("db.secret").path, 0o600)
        let cfg = try dir.write(
            "newswatch.toml",
            """
            [daemon]
            state_dir = "state"
            output_dir = "out"
            allow_private_networks = true

            [[feeds]]
            url = "\(server.url("/wire.xml"))"

            [store]
            url = "postgresql://newswatch@127.0.0.1:\(port)/newswatch"
            password_file = "./db.secret"
            """)
        let run = try NewswatchBinary.run(["run", "--once", "--config", cfg.path], timeout: 60)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("postgresql://newswatch@127.0.0.1:\(port)/newswatch"), "\(run.stderr)")
        #expect(!run.stderr.contains("hunter2"), "\(run.stderr)")
    }
}
