import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Holds SQLite's write lock on a database from another process, as a backup job or a stray `sqlite3` shell would:
/// `python3` runs `BEGIN EXCLUSIVE` and keeps the transaction open until ``release()``.
public final class SQLiteWriteLock: @unchecked Sendable {
    // Owner: the test that created it; `release()` is idempotent and the helper process is reaped once.
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()

    /// Takes the lock (waiting at most 10 s for the daemon's own write to finish); throws if it cannot, or
    /// `RequiredTool.Missing` when `python3` is not installed.
    public init(database: String) throws {
        process.executableURL = URL(
            fileURLWithPath: try RequiredTool.path("python3", install: "apt-get install python3"))
        let script = """
            import sqlite3, sys
            con = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
            con.execute("BEGIN EXCLUSIVE")
            print("locked", flush=True)
            sys.stdin.read()
            con.execute("ROLLBACK")
            """
        process.arguments = ["-c", script, database]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = output.fileHandleForReading.availableData
        guard String(decoding: line, as: UTF8.self).hasPrefix("locked") else {
            release()
            throw LockFailure()
        }
    }

    /// The helper could not take the lock.
    public struct LockFailure: Error {}

    /// Ends the transaction and the helper process.
    public func release() {
        try? input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit {
        release()
    }
}
