import Foundation
import NewswatchTestSupport
import Testing

/// The unit file and its checks (CONTRACT §7): the directives the contract names, `systemd-analyze verify`, and
/// the offline security exposure, through `scripts/check-systemd-unit.sh` (the same check CI runs).
@Suite struct SystemdUnitTests {
    static let root = SourceTree.root
    static let unit = root.appendingPathComponent("systemd/newswatch.service")
    static let script = root.appendingPathComponent("scripts/check-systemd-unit.sh")

    /// `Key=value` lines of the unit, in order.
    private func directives() throws -> [(String, String)] {
        try String(contentsOf: Self.unit, encoding: .utf8).split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), let eq = line.firstIndex(of: "=") else { return nil }
            return (String(line[..<eq]), String(line[line.index(after: eq)...]))
        }
    }

    /// Runs the check script; a missing `systemd-analyze` fails the test (the script would exit 2).
    private func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        _ = try RequiredTool.path("systemd-analyze", install: "apt-get install systemd")
        let process = Process()
        process.executableURL = Self.script
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func unitHasTheDirectivesTheContractNames() throws {
        let d = try directives()
        func value(_ key: String) -> String? { d.first { $0.0 == key }?.1 }
        #expect(value("Type") == "notify")
        #expect(value("ExecStart") == "/usr/local/bin/newswatch run --config /etc/newswatch/newswatch.toml")
        #expect(value("ExecReload") == "/bin/kill -HUP $MAINPID")
        #expect(value("WatchdogSec") != nil)
        #expect(value("Restart") == "on-failure")
        #expect(value("RestartPreventExitStatus") == "78")
        #expect(value("StateDirectory") == "newswatch")
        #expect(value("UMask") == "0027")
        #expect(value("User") == "newswatch" && value("Group") == "newswatch")
        #expect(value("RestrictAddressFamilies") == "AF_INET AF_INET6 AF_UNIX")
        #expect(value("CapabilityBoundingSet") == "")
        // Stopping must outlast the daemon's own 10 s drain.
        let stop = try #require(value("TimeoutStopSec"))
        #expect((Int(stop.dropLast()) ?? 0) > 10)
        // Resource limits bound a runaway (CONTRACT §7): room for ~100 MiB RSS and a few dozen threads, not more
        // than a few GiB or a thousand tasks.
        #expect(value("MemoryMax") == "1G")
        let tasks = try #require(value("TasksMax").flatMap { Int($0) })
        #expect((64...1024).contains(tasks))
        // One malloc arena: ~10 MiB less peak RSS in the soak than glibc's default, 2–3 MiB less than two, at the same
        // CPU (issue 18, BENCHMARKS.md).
        #expect(value("Environment") == "MALLOC_ARENA_MAX=1")
    }

    @Test func secretsArePassedAsCredentialsNotGroupReadableFiles() throws {
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
        let examples = text.split(separator: "\n").filter { $0.hasPrefix("#LoadCredential=") }
        #expect(examples.contains("#LoadCredential=webhook.secret:/etc/newswatch/webhook.secret"))
        #expect(!examples.isEmpty && examples.allSatisfy { $0.contains(":/etc/newswatch/") })
    }

    @Test func unitWithTheCredentialExamplesEnabledStillPasses() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let enabled = try String(contentsOf: Self.unit, encoding: .utf8)
            .replacingOccurrences(of: "\n#LoadCredential=", with: "\nLoadCredential=")
        #expect(enabled.contains("\nLoadCredential=webhook.secret:"))
        let unit = try dir.write("credentials/newswatch.service", enabled)
        let (status, output) = try run([unit.path])
        #expect(status == 0, "\(output)")
        #expect(output.contains("verify: ok"))
    }

    @Test func sysusersDeclaresTheStaticUserAndGroup() throws {
        let text = try String(
            contentsOf: Self.root.appendingPathComponent("systemd/newswatch.sysusers"), encoding: .utf8)
        let entries = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map {
            $0.split(separator: " ", omittingEmptySubsequences: true)
        }
        #expect(entries.contains { $0.count >= 2 && $0[0] == "u" && $0[1] == "newswatch" })
    }

    @Test func unitVerifiesAndExposureIsAtMostTwo() throws {
        let (status, output) = try run([])
        #expect(status == 0, "\(output)")
        #expect(output.contains("verify: ok"))
        let exposure = output.split(separator: "\n").first { $0.hasPrefix("security: exposure ") }
            .flatMap { Double($0.split(separator: " ")[2]) }
        let measured = try #require(exposure, "\(output)")
        #expect(measured <= 2.0)
    }

    @Test func checkFailsForAWeakOrBrokenUnit() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let original = try String(contentsOf: Self.unit, encoding: .utf8)
        let sandboxKeys = [
            "NoNewPrivileges", "CapabilityBoundingSet", "ProtectSystem", "ProtectHome", "PrivateTmp",
            "PrivateDevices", "PrivateUsers", "SystemCallFilter", "RestrictAddressFamilies", "ProtectKernel",
        ]
        let weak = original.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { line in !sandboxKeys.contains { line.hasPrefix($0) } }.joined(separator: "\n")
        let weakUnit = try dir.write("weak/newswatch.service", weak)
        let weakRun = try run([weakUnit.path])
        #expect(weakRun.status == 1)
        #expect(weakRun.output.contains("exceeds 2.0"))

        let broken = original.replacingOccurrences(of: "Type=notify\n", with: "Type=notify\nWatchdogSecs=30\n")
        let brokenUnit = try dir.write("broken/newswatch.service", broken)
        let brokenRun = try run([brokenUnit.path])
        #expect(brokenRun.status == 1)
        #expect(brokenRun.output.contains("WatchdogSecs"))
    }
}
