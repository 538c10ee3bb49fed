import Foundation
import NewswatchSystem

#if canImport(Glibc)
    import Glibc
#endif

/// A real PostgreSQL 15 server for tests: a cluster made by `initdb` in a temporary folder, listening on 127.0.0.1
/// only (a free port; its unix socket stays in the folder), one per test process, started on first use.
///
/// Each test asks for a fresh database (`makeDatabase()`), so tests never see each other's rows. The cluster is
/// stopped (`pg_ctl stop -m fast`) and its folder removed when the test process exits, and also when it dies: a
/// small watchdog shell waits for the process and cleans up after it. A missing PostgreSQL fails the test with the
/// package to install (`RequiredTool.Missing`); it never skips.
public final class PostgresCluster: Sendable {
    /// Debian's PostgreSQL 15 programs (`initdb`, `pg_ctl`, `postgres`).
    public static let binaries = "/usr/lib/postgresql/15/bin"
    /// The superuser `initdb` creates; tests connect as it, without a password (trust on loopback only).
    public let user = "postgres"
    public let host = "127.0.0.1"
    public let port: Int
    /// The cluster's folder: `data/`, `socket/`, `server.log`.
    public let folder: String

    private static let state = Locked<Result<PostgresCluster, any Error>?>(nil)

    /// The test process's cluster, started on first use (later callers wait for it).
    public static func shared() throws -> PostgresCluster {
        try state.withLock { cached in
            if let cached { return try cached.get() }
            let result = Result { try PostgresCluster() }
            cached = result
            if case .success = result { atexit { PostgresCluster.stopShared() } }
            return try result.get()
        }
    }

    /// A new empty database in the shared cluster; its `postgresql://` URL.
    public static func makeDatabase() throws -> String {
        let cluster = try shared()
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try cluster.psql("CREATE DATABASE \(name)")
        return cluster.url(database: name)
    }

    /// The URL of `database` in this cluster.
    public func url(database: String) -> String { "postgresql://\(user)@\(host):\(port)/\(database)" }

    /// Runs one SQL command as the superuser in the `postgres` database (`psql -v ON_ERROR_STOP=1`).
    public func psql(_ sql: String, database: String = "postgres") throws {
        let psql = try RequiredTool.path("psql", install: "apt-get install postgresql-15")
        try Self.run(
            psql,
            [
                "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", String(port), "-U", user, "-d", database,
                "-c", sql,
            ], asPostgres: false, in: folder)
    }

    private init() throws {
        let initdb = Self.binaries + "/initdb"
        guard FileManager.default.isExecutableFile(atPath: initdb) else {
            throw RequiredTool.Missing(
                description: "PostgreSQL 15 (\(initdb)) is required for this test: install it with "
                    + "apt-get install postgresql-15")
        }
        let dir = try TemporaryDirectory(prefix: "newswatch-pg")
        folder = dir.path
        let asRoot = getuid() == 0
        do {
            try FileManager.default.createDirectory(atPath: folder + "/socket", withIntermediateDirectories: true)
            // Before anything that can leave a server behind: the watchdog cleans up even if this process dies now.
            Self.watchdog(folder: folder, asRoot: asRoot)
            if asRoot {
                // initdb and postgres refuse to run as root: the folder goes to the `postgres` user.
                try Self.run("/bin/chown", ["-R", "postgres:postgres", folder], asPostgres: false, in: folder)
            }
            try Self.run(
                initdb, ["-D", folder + "/data", "-U", user, "--auth=trust", "--no-sync", "-E", "UTF8", "--no-locale"],
                asPostgres: asRoot, in: folder)
            port = try Self.startServer(folder: folder, asRoot: asRoot)
        } catch {
            Self.stop(folder: folder, asRoot: asRoot)
            throw error
        }
    }

    /// Starts the server on a free loopback port, trying a few in case another process takes the port first.
    private static func startServer(folder: String, asRoot: Bool) throws -> Int {
        var lastError: (any Error)?
        for _ in 0..<5 {
            let port = try freePort()
            let options =
                "-c listen_addresses=127.0.0.1 -p \(port) -k \(folder)/socket -c fsync=off "
                + "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
            do {
                try run(
                    binaries + "/pg_ctl",
                    ["-D", folder + "/data", "-l", folder + "/server.log", "-w", "-t", "60", "-o", options, "start"],
                    asPostgres: asRoot, in: folder)
                return port
            } catch {
                lastError = error
            }
        }
        let log = (try? String(contentsOfFile: folder + "/server.log", encoding: .utf8)) ?? ""
        throw ClusterError(description: "PostgreSQL did not start: \(lastError.map { "\($0)" } ?? "") \(log)")
    }

    /// Stops the shared cluster (at process exit).
    private static func stopShared() {
        guard case .success(let cluster)? = state.withLock({ $0 }) else { return }
        stop(folder: cluster.folder, asRoot: getuid() == 0)
    }

    private static func stop(folder: String, asRoot: Bool) {
        if FileManager.default.fileExists(atPath: folder + "/data/postmaster.pid") {
            try? run(
                binaries + "/pg_ctl", ["-D", folder + "/data", "-m", "fast", "-w", "stop"], asPostgres: asRoot,
                in: folder)
        }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// A detached shell that stops the server and removes its folder once this process is gone (a crash or a
    /// signal included), so no test run leaves a PostgreSQL behind.
    private static func watchdog(folder: String, asRoot: Bool) {
        let stop = (asRoot ? "runuser -u postgres -- " : "") + "\(binaries)/pg_ctl -D '\(folder)/data' -m fast stop"
        let script =
            "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; "
            + "if [ -e '\(folder)/data/postmaster.pid' ]; then \(stop) >/dev/null 2>&1; fi; rm -rf '\(folder)'"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        process.arguments = ["/bin/sh", "-c", script]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? process.run()
    }

    /// A port on 127.0.0.1 that was free a moment ago.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ClusterError(description: "socket: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw ClusterError(description: "bind 127.0.0.1:0: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs a program to completion (as the `postgres` user via `runuser` when asked); throws with its output when
    /// it fails.
    private static func run(_ program: String, _ arguments: [String], asPostgres: Bool, in folder: String) throws {
        var command = [program] + arguments
        if asPostgres {
            command =
                [try RequiredTool.path("runuser", install: "apt-get install util-linux"), "-u", "postgres", "--"]
                + command
        }
        // Through a bash that first closes every descriptor above 2: Foundation learns that a child exited from a
        // pipe the child inherits, and the server `pg_ctl start` leaves behind would hold it open for good.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try RequiredTool.path("bash", install: "apt-get install bash"))
        process.arguments =
            [
                "-c",
                #"for fd in $(ls /proc/$$/fd); do if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi; done; exec "$@""#,
                "bash",
            ]
            + command
        // Output goes to a file, not a pipe, for the same reason.
        let outputPath = folder + "/output-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: outputPath, contents: nil),
            let output = FileHandle(forWritingAtPath: outputPath)
        else { throw ClusterError(description: "cannot create \(outputPath)") }
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try? output.close()
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            throw ClusterError(
                description: "\((program as NSString).lastPathComponent) failed (\(process.terminationStatus)): \(text)"
            )
        }
    }

    /// A cluster command failed.
    public struct ClusterError: Error, CustomStringConvertible {
        /// The command and what it printed.
        public let description: String
    }
}
