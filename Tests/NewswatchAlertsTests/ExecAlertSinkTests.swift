import Foundation
import Logging
import NewswatchCore
import NewswatchDaemon
import NewswatchTestSupport
import Testing

@testable import NewswatchAlerts

/// Log lines collected from a real `JournalLogHandler`.
private final class LogCollector: @unchecked Sendable {
    // Owner: `lock` guards `lines`.
    private let lock = NSLock()
    private var storage: [String] = []
    var lines: [String] { lock.withLock { storage } }
    var logger: Logger {
        Logger(label: "newswatch") { label in
            JournalLogHandler(
                label: label, format: .journal, level: .debug,
                writer: { [self] line in
                    lock.withLock { storage.append(line) }
                })
        }
    }
}

@Suite(.serialized) struct ExecAlertSinkTests {
    private func script(_ dir: TemporaryDirectory, _ name: String, _ body: String) throws -> String {
        let url = try dir.write(name, "#!/bin/sh\n" + body)
        #expect(chmod(url.path, 0o755) == 0)
        return url.path
    }

    /// Whether `pid` is gone (or a zombie nobody reaped yet, which is as good as gone).
    private func isGone(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        guard let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(close, offsetBy: 2)] == "Z"
    }

    @Test func commandReceivesTheAlertJSONOnStdin() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let record = try script(dir, "record.sh", "cat > \"$1\"\necho \"argument $2\" >&2\n")
        let output = dir.file("input.json").path
        let logs = LogCollector()
        let sink = ExecAlertSink(command: [record, output, "--urgent"], timeout: .seconds(10), logger: logs.logger)
        let alert = Alert.sample()
        try await sink.deliver(.alert(alert))
        let written = try String(contentsOfFile: output, encoding: .utf8)
        #expect(written == alert.json.compact + "\n")
        #expect(logs.lines.count == 1)
        let line = try #require(logs.lines.first)
        #expect(line.hasPrefix("<6>newswatch: exec sink delivered "))
        #expect(line.contains(" exit_code=0 "))
        #expect(line.contains(#"stderr="argument --urgent""#))
    }

    @Test func aFailingCommandIsAnErrorWithItsStderrTailLogged() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let fail = try script(
            dir, "fail.sh", "cat >/dev/null\necho 'line one' >&2\necho 'desk API said no' >&2\nexit 3\n")
        let logs = LogCollector()
        let sink = ExecAlertSink(command: [fail], timeout: .seconds(10), logger: logs.logger)
        do {
            try await sink.deliver(.alert(.sample()))
            Issue.record("exit 3 must fail")
        } catch {
            #expect(error.kind == .commandFailed(exitCode: 3))
            #expect(error.detail == "line one\ndesk API said no")
            #expect(error.description.hasSuffix("command exited with status 3: line one desk API said no"))
        }
        let line = try #require(logs.lines.first)
        #expect(line.hasPrefix("<4>newswatch: exec sink failed"))
        #expect(line.contains(" exit_code=3 "))
        #expect(line.contains(#"stderr="line one\ndesk API said no""#))
        #expect(!line.dropLast().contains("\n"))
    }

    /// Review 12: the error kept for `status` was scrubbed, the log line's copy of the same stderr was not.
    @Test func aURLTheCommandPrintsIsNeverLoggedWhole() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let hook = "https://hooks.slack.com/services/T0001/B0001/SECRETtoken123"
        let fail = try script(
            dir, "notify.sh", "cat >/dev/null\necho \"HTTPError: 404 for url: $1\" >&2\nexit 1\n")
        let logs = LogCollector()
        let sink = ExecAlertSink(command: [fail, hook], timeout: .seconds(10), logger: logs.logger)
        await #expect(throws: AlertSinkError.self) { try await sink.deliver(.alert(.sample())) }
        let line = try #require(logs.lines.first)
        #expect(line.contains("HTTPError: 404 for url: https://hooks.slack.com"), "\(line)")
        #expect(!line.contains("SECRETtoken123") && !line.contains("T0001"), "\(line)")
    }

    /// Only the last 4 KiB of stderr are kept: a cut inside a URL left its token without the `scheme://` that makes
    /// it recognisable (review 12). The cut word goes.
    @Test func aURLCutByTheStderrLimitIsNeitherKeptNorLoggedInPart() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let hook = "https://hooks.slack.com/services/T0001/B0001/SECRETtoken123"
        // The kept 4,096 bytes begin inside the URL: "B0001/SECRETtoken123", a space, 4,075 × "x".
        let fail = try script(
            dir, "notify.sh",
            "cat >/dev/null\nprintf 'error for %s ' \"$1\" >&2\nhead -c 4075 /dev/zero | tr '\\0' x >&2\nexit 1\n")
        let logs = LogCollector()
        let sink = ExecAlertSink(command: [fail, hook], timeout: .seconds(10), logger: logs.logger)
        do {
            try await sink.deliver(.alert(.sample()))
            Issue.record("exit 1 must fail")
        } catch {
            // The error is stored (`deliveries.last_error`), shown by `status` and logged by the worker.
            #expect(error.detail.hasPrefix("xxxx"), "\(error.detail.prefix(300))")
            #expect(!error.description.contains("SECRETtoken123") && !error.description.contains("B0001"))
        }
        let line = try #require(logs.lines.first)
        #expect(!line.contains("SECRETtoken123") && !line.contains("B0001"), "\(line.prefix(300))")
    }

    @Test func aCommandThatIgnoresStdinDoesNotHurtUs() async throws {
        let sink = ExecAlertSink(command: ["/bin/true"], timeout: .seconds(10), logger: LogCollector().logger)
        // A body far beyond a socket buffer, for a command that never reads it.
        let outcome = await sink.run(input: Data(repeating: 0x61, count: 4 << 20))
        #expect(outcome.termination == .exited(0))
    }

    @Test func aMissingCommandCannotStart() async throws {
        let sink = ExecAlertSink(
            command: ["/nonexistent/notify-desk"], timeout: .seconds(10), logger: LogCollector().logger)
        do {
            try await sink.deliver(.alert(.sample()))
            Issue.record("must fail")
        } catch {
            #expect(error.kind == .spawnFailed(errno: ENOENT))
        }
    }

    @Test func aHangingCommandIsKilledWithItsProcessGroup() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        // The daemon ignores SIGTERM for its own shutdown handling; the command must still get the default.
        let previous = signal(SIGTERM, SIG_IGN)
        defer { signal(SIGTERM, previous) }
        let hang = try script(
            dir, "hang.sh", "trap 'echo term > \"$1\"; exit 0' TERM\nsleep 60 &\necho $! > \"$2\"\nwait\n")
        let termFile = dir.file("term").path
        let pidFile = dir.file("child.pid").path
        let sink = ExecAlertSink(
            command: [hang, termFile, pidFile], timeout: .milliseconds(700), logger: LogCollector().logger)
        let started = ContinuousClock.now
        do {
            try await sink.deliver(.alert(.sample()))
            Issue.record("must time out")
        } catch {
            #expect(error.kind == .timedOut)
        }
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect((try? String(contentsOfFile: termFile, encoding: .utf8)) == "term\n")
        let childPID = try #require(
            Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        // The backgrounded grandchild was in the group and got the signal too.
        var gone = false
        for _ in 0..<100 where !gone {
            gone = isGone(childPID)
            if !gone { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(gone)
    }

    @Test func aCommandIgnoringSIGTERMGetsSIGKILL() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let stubborn = try script(dir, "stubborn.sh", "trap '' TERM\necho $$ > \"$1\"\nsleep 60\n")
        let pidFile = dir.file("pid").path
        let sink = ExecAlertSink(
            command: [stubborn, pidFile], timeout: .milliseconds(500), killGrace: .milliseconds(300),
            logger: LogCollector().logger)
        let outcome = await sink.run(input: Data("{}\n".utf8))
        #expect(outcome.termination == .timedOut)
        let pid = try #require(
            Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(isGone(pid))
    }

    @Test func cancellingTheDeliveryKillsTheCommand() async throws {
        let sink = ExecAlertSink(command: ["/bin/sleep", "60"], timeout: .seconds(60), logger: LogCollector().logger)
        let started = ContinuousClock.now
        let task = Task { await sink.run(input: Data()) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let outcome = await task.value
        #expect(outcome.termination == .timedOut)
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test func theCommandDoesNotInheritSystemdNotificationVariables() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let envDump = try script(dir, "env.sh", "env > \"$1\"\n")
        let output = dir.file("env.txt").path
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = "/run/systemd/notify"
        environment["WATCHDOG_USEC"] = "30000000"
        environment["WATCHDOG_PID"] = "1"
        environment["NEWSWATCH_PROBE"] = "kept"
        let sink = ExecAlertSink(
            command: [envDump, output], timeout: .seconds(10), environment: environment, logger: LogCollector().logger)
        try await sink.deliver(.alert(.sample()))
        let env = try String(contentsOfFile: output, encoding: .utf8)
        #expect(env.contains("NEWSWATCH_PROBE=kept\n"))
        #expect(!env.contains("NOTIFY_SOCKET="))
        #expect(!env.contains("WATCHDOG_USEC="))
        #expect(!env.contains("WATCHDOG_PID="))
    }
}
