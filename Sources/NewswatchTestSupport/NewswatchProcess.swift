import Foundation
import NewswatchSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The built `newswatch` executable running in the background, as systemd would run the daemon: the test signals it,
/// watches its stderr as it is written and waits for its exit.
///
/// ```swift
/// let daemon = try NewswatchProcess.start(["run", "--config", cfg.path], environment: ["NOTIFY_SOCKET": addr])
/// defer { daemon.kill() }
/// #expect(daemon.waitForStderr(containing: "fetched", timeout: 10))
/// daemon.signal(SIGTERM)
/// #expect(daemon.wait(timeout: 10)?.status == 0)
/// ```
///
/// - Important: call ``kill()`` in a `defer` (it is also done on `deinit`): a test never leaves a daemon behind.
public final class NewswatchProcess: @unchecked Sendable {
    // Owner: `output` (stdout, stderr), appended to by the two reader threads, is behind its own lock; everything
    // else is set in `init`.
    private let output = Locked((out: Data(), err: Data()))
    private let process: Process
    private let readers = DispatchGroup()

    /// The child's process id.
    public let pid: Int32
    /// `device:inode` of the pipe the child writes its stderr to — the form of `$JOURNAL_STREAM`.
    public let stderrStreamIdentity: String

    /// How the process ended.
    public struct Termination: Sendable, Equatable {
        /// The exit status, or the signal number when ``bySignal``.
        public var status: Int32
        public var bySignal: Bool

        public init(status: Int32, bySignal: Bool) {
            self.status = status
            self.bySignal = bySignal
        }
    }

    /// Starts `newswatch` with `arguments`.
    /// - Parameters:
    ///   - environment: added to the test runner's environment, from which `NEWSWATCH_CONFIG`, `NOTIFY_SOCKET`,
    ///     `WATCHDOG_USEC`, `WATCHDOG_PID` and `JOURNAL_STREAM` are first removed.
    ///   - journalStreamIsStderr: sets `JOURNAL_STREAM` to the identity of the child's stderr, as systemd does when
    ///     it connects stderr to the journal.
    ///   - launcher: a command that execs `newswatch` in its place after setting something up, with its arguments
    ///     (e.g. `["/usr/bin/prlimit", "--fsize=1048576", "--"]`); the process id stays the daemon's.
    public static func start(
        _ arguments: [String], environment: [String: String] = [:], journalStreamIsStderr: Bool = false,
        currentDirectory: URL? = nil, launcher: [String] = []
    ) throws -> NewswatchProcess {
        try NewswatchProcess(
            arguments: arguments, environment: environment, journalStreamIsStderr: journalStreamIsStderr,
            currentDirectory: currentDirectory, launcher: launcher)
    }

    private init(
        arguments: [String], environment: [String: String], journalStreamIsStderr: Bool, currentDirectory: URL?,
        launcher: [String]
    ) throws {
        let process = Process()
        if let command = launcher.first {
            process.executableURL = URL(fileURLWithPath: command)
            process.arguments = Array(launcher.dropFirst()) + [NewswatchBinary.url.path] + arguments
        } else {
            process.executableURL = NewswatchBinary.url
            process.arguments = arguments
        }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let outPipe = Pipe()
        let errPipe = Pipe()
        var st = stat()
        guard fstat(errPipe.fileHandleForWriting.fileDescriptor, &st) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        stderrStreamIdentity = "\(st.st_dev):\(st.st_ino)"
        var env = ProcessInfo.processInfo.environment
        for key in ["NEWSWATCH_CONFIG", "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM"] {
            env.removeValue(forKey: key)
        }
        if journalStreamIsStderr { env["JOURNAL_STREAM"] = stderrStreamIdentity }
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        pid = process.processIdentifier
        read(outPipe.fileHandleForReading, isStderr: false)
        read(errPipe.fileHandleForReading, isStderr: true)
    }

    deinit {
        kill()
    }

    /// Appends everything `handle` yields to the stdout or stderr buffer until end of file, on a thread of its own.
    private func read(_ handle: FileHandle, isStderr: Bool) {
        readers.enter()
        let thread = Thread { [self] in
            defer { readers.leave() }
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { return }
                output.withLock {
                    if isStderr { $0.err.append(chunk) } else { $0.out.append(chunk) }
                }
            }
        }
        thread.start()
    }

    /// Everything the child has written to stderr so far.
    public var stderr: String { output.withLock { String(decoding: $0.err, as: UTF8.self) } }

    /// Everything the child has written to stdout so far.
    public var stdout: String { output.withLock { String(decoding: $0.out, as: UTF8.self) } }

    /// Whether the child has not exited yet.
    public var isRunning: Bool { process.isRunning }

    /// Sends `signal` (`SIGTERM`, `SIGHUP`, …) to the child, if it still runs.
    public func signal(_ signal: Int32) {
        if process.isRunning { _ = Glibc.kill(pid, signal) }
    }

    /// Waits at most `timeout` seconds for the child to exit; `nil` if it is still running. Once it has exited, its
    /// output is complete.
    public func wait(timeout: TimeInterval) -> Termination? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            guard Date() < deadline else { return nil }
            usleep(10_000)
        }
        return reaped()
    }

    /// The termination of a child that has exited, once its output is read to the end.
    private func reaped() -> Termination {
        process.waitUntilExit()
        _ = readers.wait(timeout: .now() + 5)
        return Termination(
            status: process.terminationStatus, bySignal: process.terminationReason == .uncaughtSignal)
    }

    /// Waits (sleeping the task, at most `timeout` seconds) for the child to exit; `nil` if it is still running. The
    /// form to use from async tests: it never blocks a thread of the cooperative pool.
    public func wait(timeout: TimeInterval) async -> Termination? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            guard Date() < deadline else { return nil }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        return reaped()
    }

    /// Waits (sleeping the task, at most `timeout` seconds) until stderr satisfies `predicate`; returns whether it
    /// did.
    @discardableResult
    public func waitForStderr(timeout: TimeInterval, until predicate: (String) -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if predicate(stderr) { return true }
            guard Date() < deadline, process.isRunning else { return predicate(stderr) }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
    }

    /// Waits (sleeping the task, at most `timeout` seconds) until stderr contains `text` (`count` times).
    @discardableResult
    public func waitForStderr(containing text: String, count: Int = 1, timeout: TimeInterval) async -> Bool {
        await waitForStderr(timeout: timeout) { $0.components(separatedBy: text).count - 1 >= count }
    }

    /// Waits at most `timeout` seconds until stderr satisfies `predicate`; returns whether it did.
    @discardableResult
    public func waitForStderr(timeout: TimeInterval, until predicate: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if predicate(stderr) { return true }
            guard Date() < deadline, process.isRunning else { return predicate(stderr) }
            usleep(20_000)
        }
    }

    /// Waits at most `timeout` seconds until stderr contains `text` (`count` times); returns whether it did.
    @discardableResult
    public func waitForStderr(containing text: String, count: Int = 1, timeout: TimeInterval) -> Bool {
        waitForStderr(timeout: timeout) { $0.components(separatedBy: text).count - 1 >= count }
    }

    /// Ends the child with `SIGKILL` if it still runs, and reaps it. Idempotent.
    public func kill() {
        if process.isRunning {
            _ = Glibc.kill(pid, SIGKILL)
        }
        process.waitUntilExit()
        _ = readers.wait(timeout: .now() + 5)
    }
}
