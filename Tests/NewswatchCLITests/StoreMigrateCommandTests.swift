import Foundation
import NewswatchTestSupport
import Testing

@testable import NewswatchStore

/// `newswatch store migrate --to URL` end to end (CONTRACT §9): the built binary copies the state a real `run --once`
/// wrote into a fresh database of a real PostgreSQL 15, refuses a second copy, and fails in one clear line.
@Suite struct StoreMigrateCommandTests {
    static func config(_ dir: TemporaryDirectory, _ server: LoopbackHTTPServer) throws -> URL {
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
            """)
    }

    /// A fresh Gaza story (it alerts) and an unrelated one.
    static let feed = RunOnceTests.rss(
        "Wire",
        [
            ("w1", "Israeli strikes hit Rafah overnight", "https://wire.example/rafah", 600),
            ("w2", "Markets rally in Tokyo", "https://wire.example/tokyo", 300),
        ])

    @Test func copiesWhatARunWroteThenRefusesASecondCopy() async throws {
        let server = try LoopbackHTTPServer.start { _ in .ok(Self.feed) }
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let cfg = try Self.config(dir, server)
        let run = try NewswatchBinary.run(["run", "--once", "--config", cfg.path], timeout: 60)
        #expect(run.status == 0, "\(run.stderr)")

        let url = try PostgresCluster.makeDatabase()
        let migrate = try NewswatchBinary.run(["store", "migrate", "--to", url, "--config", cfg.path], timeout: 60)
        #expect(migrate.status == 0, "\(migrate.stderr)")
        let location = try PostgresLocation(url: url)
        #expect(migrate.stdout.hasPrefix("copied "), "\(migrate.stdout)")
        #expect(migrate.stdout.contains("into \(location.redacted): "), "\(migrate.stdout)")
        #expect(migrate.stdout.contains("alerts 1,") && migrate.stdout.contains("items 2,"), "\(migrate.stdout)")
        #expect(migrate.stdout.split(separator: "\n").count == 1)

        let sqlite = try SQLiteStore(path: dir.file("state/newswatch.sqlite").path, options: .init(readOnly: true))
        let postgres = try await PostgresStore(location: location)
        for table in ["feeds", "items", "stories", "alerts", "deliveries"] {
            let (columns, rows) = try sqlite.dumpTable(table)
            #expect(!rows.isEmpty, "\(table)")
            let order = table == "deliveries" ? ["alert_seq", "sink"] : [table == "alerts" ? "seq" : "id"]
            #expect(try await postgres.dumpTable(table, columns: columns, order: order) == rows, "\(table)")
        }
        #expect(try await postgres.feedStates(includeInactive: true) == (try sqlite.feedStates(includeInactive: true)))

        // A second copy into the same database is refused, in one line, and changes nothing.
        let again = try NewswatchBinary.run(["store", "migrate", "--to", url, "--config", cfg.path], timeout: 60)
        #expect(again.status == 1)
        #expect(again.stderr.split(separator: "\n").count == 1, "\(again.stderr)")
        #expect(again.stderr.contains("not empty"), "\(again.stderr)")
        #expect(try await postgres.itemCounts() == (try sqlite.itemCounts()))
        await postgres.close()
    }

    @Test func aRunningDaemonKeepsItsStateFromBeingCopied() throws {
        let server = try LoopbackHTTPServer.start { _ in .ok(Self.feed) }
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let cfg = try Self.config(dir, server)
        #expect(try NewswatchBinary.run(["run", "--once", "--config", cfg.path], timeout: 60).status == 0)
        // Another process holds the state's run lock, as a running daemon does.
        let holder = Process()
        holder.executableURL = URL(
            fileURLWithPath: try RequiredTool.path("flock", install: "apt-get install util-linux"))
        let ready = dir.file("held").path
        let release = dir.file("release").path
        holder.arguments = [
            dir.file("state/newswatch.lock").path, "sh", "-c",
            "touch '\(ready)'; i=0; while [ ! -e '\(release)' ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done",
        ]
        try holder.run()
        defer {
            _ = FileManager.default.createFile(atPath: release, contents: nil)
            holder.waitUntilExit()
        }
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: ready) && Date() < deadline { usleep(20_000) }
        let url = try PostgresCluster.makeDatabase()
        let r = try NewswatchBinary.run(["store", "migrate", "--to", url, "--config", cfg.path], timeout: 60)
        #expect(r.status == 1)
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("stop it first"), "\(r.stderr)")
    }

    @Test func aWrongDatabaseOrURLIsOneLineWithoutTheSecret() throws {
        let server = try LoopbackHTTPServer.start { _ in .ok(Self.feed) }
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let cfg = try Self.config(dir, server)
        #expect(try NewswatchBinary.run(["run", "--once", "--config", cfg.path], timeout: 60).status == 0)
        let secret = try dir.write("db.secret", "hunter2-secret\n")
        let real = try PostgresLocation(url: try PostgresCluster.makeDatabase())
        func migrate(_ url: String, passwordFile: String? = secret.path) throws -> NewswatchBinary.Result {
            try NewswatchBinary.run(
                ["store", "migrate", "--to", url, "--config", cfg.path]
                    + (passwordFile.map { ["--password-file", $0] } ?? []), timeout: 60)
        }
        let cases: [(url: String, passwordFile: String?, status: Int32, says: String)] = [
            // No database of that name on the server: the server's words.
            ("postgresql://postgres@\(real.host):\(real.port)/no_such_db", secret.path, 69, "does not exist"),
            // Nothing listens there.
            ("postgresql://postgres@127.0.0.1:1/newswatch", secret.path, 69, "cannot connect"),
            // A password in the URL is refused before anything is tried, and never echoed.
            ("postgresql://postgres:hunter2-secret@127.0.0.1:1/newswatch", nil, 64, "must not carry a password"),
            ("mysql://x@127.0.0.1/db", nil, 64, "postgresql://"),
            // The password file is missing.
            (real.redacted, dir.file("missing.secret").path, 66, "password_file"),
        ]
        for c in cases {
            let r = try migrate(c.url, passwordFile: c.passwordFile)
            #expect(r.status == c.status, "\(c.url): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(c.url): \(r.stderr)")
            #expect(r.stderr.contains(c.says), "\(c.url): \(r.stderr)")
            #expect(!r.stderr.contains("hunter2") && !r.stdout.contains("hunter2"), "\(c.url): \(r.stderr)")
        }
    }
}
