import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// GNU grep as the yardstick beside the matcher: `LC_ALL=C grep -F -i -o -f PATTERNS TEXT`, the reference the
/// `../shared/bench` README gives a figure for (130 MB/s on its machine), run on this machine in the same session.
///
/// Its output goes through a pipe and is counted here: GNU grep stops at the first match when its standard output
/// is `/dev/null`, so that would measure nothing. Its cost is the child's user + system CPU from `wait4`'s rusage
/// (the harness reading the pipe is not counted, as the matcher's caller is not).
struct GrepReference {
    /// The patterns file `gen_topics.py` writes beside `topics.toml`, one fixed string a line.
    let patterns: String
    let text: String

    struct Run {
        /// User + system CPU seconds of the grep process.
        var cpuSeconds: Double { userSeconds + systemSeconds }
        var userSeconds: Double
        /// Mostly grep's start-up (about 0.13 s here even when it stops at the first match).
        var systemSeconds: Double
        /// Lines written (with `-o`, one per match).
        var matches: Int
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The patterns file beside `topics`, when there is one.
    static func beside(topics: String, text: String) -> GrepReference? {
        let patterns = (topics as NSString).deletingLastPathComponent + "/patterns.txt"
        guard FileManager.default.fileExists(atPath: patterns) else { return nil }
        return GrepReference(patterns: patterns, text: text)
    }

    func run() throws -> Run {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw Failure(description: "pipe: errno \(errno)") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])

        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("LC_") && $0.key != "LANG" }
        environment["LC_ALL"] = "C"
        let arguments: [String] = ["grep", "-F", "-i", "-o", "-f", patterns, text]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, "grep", &actions, nil, argv, envp)
        close(fds[1])
        guard spawned == 0 else {
            close(fds[0])
            throw Failure(description: "posix_spawnp grep: error \(spawned)")
        }

        var matches = 0
        let chunk = 1 << 16
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: chunk)
        defer { buffer.deallocate() }
        while true {
            let n = read(fds[0], buffer, chunk)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            for k in 0..<n where buffer[k] == 0x0A { matches += 1 }
        }
        close(fds[0])

        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw Failure(description: "wait4: errno \(errno)") }
        }
        // Exit status 0: matches found, 1: none; 2 (or a signal) is a failure.
        let exited = status & 0x7F == 0
        let code = (status >> 8) & 0xFF
        guard exited, code <= 1 else { throw Failure(description: "grep failed (wait status \(status))") }
        return Run(
            userSeconds: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
            systemSeconds: Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6, matches: matches)
    }

    /// The size of the text file grep reads (it includes the record separators the matcher's byte count does not).
    var textBytes: Int {
        ((try? FileManager.default.attributesOfItem(atPath: text)[.size]) as? NSNumber)?.intValue ?? 0
    }

    /// grep's MB/s on the README's reference machine: what a ratio to grep's time is translated back into.
    static var referenceMBps: Double { 130 }
}
