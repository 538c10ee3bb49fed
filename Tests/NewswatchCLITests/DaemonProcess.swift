import Foundation
import NewswatchTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The built `newswatch` running as a child process the test can signal (SIGTERM, SIGKILL) at any moment.
///
/// stderr goes to a file (never a pipe that could fill and stall the child); waiting polls with `Task.sleep`, so
/// no thread of the cooperative pool is blocked while a daemon runs.
final class DaemonProcess: @unchecked Sendable {
    // Owner: the test that started it; `Process` is only touched from that test's task.
    private let process = Process()
    /// Where the child's stderr (its log) is written.
    let logFile: URL
    let startedAt = Date()

    /// Starts `newswatch arguments...`, logging to `logFile`, with `environment` added to the test's own.
    init(_ arguments: [String], logFile: URL, environment: [String: String] = [:]) throws {
        self.logFile = logFile
        process.executableURL = NewswatchBinary.url
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for key in ["NEWSWATCH_CONFIG", "NOTIFY_SOCKET", "JOURNAL_STREAM", "WATCHDOG_USEC", "WATCHDOG_PID"] {
            env.removeValue(forKey: key)
        }
        for (key, value) in environment { env[key] = value }
        process.environment = env
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        process.standardError = log
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? log.close()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// Sends `signal` (SIGTERM, SIGKILL, …) if the child is still running; returns whether it was.
    @discardableResult
    func send(_ signal: Int32) -> Bool {
        guard process.isRunning else { return false }
        return kill(process.processIdentifier, signal) == 0
    }

    /// Waits at most `timeout` seconds for the child to exit; true if it did. Never leaves a child behind on
    /// `kill: true`: a child still running at the deadline is SIGKILLed (and false returned).
    @discardableResult
    func waitForExit(timeout: TimeInterval, kill killAtDeadline: Bool = true) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline {
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        if !process.isRunning { return true }
        if killAtDeadline {
            kill(process.processIdentifier, SIGKILL)
            while process.isRunning { try? await Task.sleep(nanoseconds: 5_000_000) }
        }
        return false
    }

    /// The exit status, or the signal number when `wasSignalled`.
    var status: Int32 { process.terminationStatus }
    var wasSignalled: Bool { process.terminationReason == .uncaughtSignal }

    /// What the child has logged so far.
    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Runs `newswatch arguments...` to completion (at most `timeout` seconds) and returns it.
    static func run(_ arguments: [String], logFile: URL, timeout: TimeInterval = 60) async throws -> DaemonProcess {
        let p = try DaemonProcess(arguments, logFile: logFile)
        await p.waitForExit(timeout: timeout)
        return p
    }
}

/// Reading the alert files (`<output_dir>/alerts/*.jsonl`) as a user would.
enum AlertFiles {
    /// One alert line, parsed.
    struct Line {
        var file: String
        var text: String
        var object: [String: Any]
        var id: String { object["id"] as? String ?? "" }
        var title: String { object["title"] as? String ?? "" }
    }

    /// The `.jsonl` files in `directory`, sorted, with their raw bytes.
    static func files(in directory: URL) -> [(name: String, data: Data)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".jsonl") }.sorted().compactMap { name in
            FileManager.default.contents(atPath: directory.appendingPathComponent(name).path).map { (name, $0) }
        }
    }

    /// Every complete line of every file (a torn last line, without its newline, is left out).
    static func lines(in directory: URL) -> [Line] {
        var result: [Line] = []
        for (name, data) in files(in: directory) {
            var complete = data
            if let last = complete.last, last != UInt8(ascii: "\n") {
                complete = complete.prefix((complete.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? 0)
            }
            for line in complete.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
                let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] ?? [:]
                result.append(Line(file: name, text: String(decoding: line, as: UTF8.self), object: object))
            }
        }
        return result
    }

    /// Files whose last byte is not a newline (a line torn by a crash).
    static func tornFiles(in directory: URL) -> [String] {
        tornTails(in: directory).keys.sorted()
    }

    /// The torn last line (bytes after the last newline) of each file that has one.
    static func tornTails(in directory: URL) -> [String: Data] {
        var tails: [String: Data] = [:]
        for (name, data) in files(in: directory) where !data.isEmpty && data.last != UInt8(ascii: "\n") {
            tails[name] = data.suffix(from: (data.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? data.startIndex)
        }
        return tails
    }
}
