import Foundation
import NewswatchTestSupport
import Testing

/// What the chaos tests (issue 19) share: a file size limit for the daemon, today's alert file, and counting log
/// lines.
enum Chaos {
    /// `prlimit` from util-linux: it sets `RLIMIT_FSIZE` in the child before exec (and can lift it for a running
    /// process). A missing `prlimit` fails the test; it never skips.
    static func prlimit() throws -> String {
        try RequiredTool.path("prlimit", install: "apt-get install util-linux")
    }

    /// The launcher that runs the daemon with a soft file size limit of `bytes` (the hard limit stays unlimited, so
    /// ``lift(pid:)`` can raise it while the daemon runs, as freeing the disk would).
    static func fileSizeLimit(_ bytes: Int) throws -> [String] {
        [try prlimit(), "--fsize=\(bytes):unlimited", "--"]
    }

    /// Raises the file size limit of the running process `pid` to unlimited.
    static func lift(pid: Int32) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try prlimit())
        process.arguments = ["--pid", "\(pid)", "--fsize=unlimited:unlimited"]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "prlimit --pid \(pid) failed")
    }

    /// `count` matching items (`Rafah` in every title) whose guids start with `prefix`.
    static func items(_ prefix: String, count: Int, padding: Int = 0) -> [(guid: String, title: String)] {
        let pad = String(repeating: "x", count: padding)
        return (0..<count).map { ("\(prefix)-\($0)", "Rafah \(prefix) report \($0) \(pad)") }
    }

    /// Today's alert file (the config's digest time zone is UTC).
    static func todaysAlertFile(_ world: ServiceWorld) -> URL {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: Date())
        let name = String(format: "%04d-%02d-%02d.jsonl", c.year ?? 0, c.month ?? 0, c.day ?? 0)
        return world.dir.url.appendingPathComponent("out/alerts/\(name)")
    }

    /// Fills today's alert file with earlier alerts (ids `earlier-…`) up to `room` bytes short of `limit`; returns its
    /// bytes.
    static func fillAlertFile(_ world: ServiceWorld, limit: Int, room: Int) throws -> Data {
        let file = todaysAlertFile(world)
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        var data = Data()
        var n = 0
        while true {
            let line = Data("{\"id\":\"earlier-\(n)\",\"title\":\"an earlier alert\"}\n".utf8)
            if data.count + line.count > limit - room { break }
            data.append(line)
            n += 1
        }
        try data.write(to: file)
        return data
    }

    /// The alerts written since the file was filled (not `earlier-…`), by id.
    static func freshAlertIDs(_ world: ServiceWorld) throws -> [String] {
        try world.alerts().compactMap { $0["id"] as? String }.filter { !$0.hasPrefix("earlier-") }
    }

    /// The lines of `log` that contain `text`.
    static func lines(_ log: String, containing text: String) -> [Substring] {
        log.split(separator: "\n").filter { $0.contains(text) }
    }

    /// Runs `newswatch arguments...` (through `launcher`) to its end, at most `timeout` seconds.
    static func run(
        _ arguments: [String], launcher: [String] = [], timeout: TimeInterval = 60
    ) async throws -> (end: NewswatchProcess.Termination?, stderr: String, stdout: String) {
        let process = try NewswatchProcess.start(arguments, launcher: launcher)
        defer { process.kill() }
        let end = await process.wait(timeout: timeout)
        return (end, process.stderr, process.stdout)
    }
}
