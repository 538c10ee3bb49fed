import Foundation

/// Small measurement helpers shared by the benchmark harnesses.
public enum Measure {
    /// Monotonic seconds.
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// CPU seconds (user + system) used by this process so far.
    public static func cpuSeconds() -> Double {
        var ru = rusage()
        getrusage(rusageSelf, &ru)
        return Double(ru.ru_utime.tv_sec) + Double(ru.ru_utime.tv_usec) / 1e6 + Double(ru.ru_stime.tv_sec)
            + Double(ru.ru_stime.tv_usec) / 1e6
    }

    /// Peak resident set size of this process in MiB (from `getrusage`, which reports KiB on Linux).
    public static func peakRSSMiB() -> Double {
        var ru = rusage()
        getrusage(rusageSelf, &ru)
        return Double(ru.ru_maxrss) / 1024
    }

    /// Runs `body` `runs` times and returns each run's wall seconds, sorted (take the median with `median`).
    public static func repeatRuns(_ runs: Int, _ body: () throws -> Void) rethrows -> [Double] {
        var times: [Double] = []
        for _ in 0..<runs {
            let t0 = now()
            try body()
            times.append(now() - t0)
        }
        return times.sorted()
    }

    public static func median(_ sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let s = sorted.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// Runs a shell command line and returns its stdout (for reference tools run beside newswatch).
    public static func shell(_ command: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

// Glibc imports RUSAGE_SELF as an enum case while getrusage takes its raw Int32.
#if os(Linux)
    private let rusageSelf = __rusage_who_t(RUSAGE_SELF.rawValue)
#else
    private let rusageSelf = RUSAGE_SELF
#endif
