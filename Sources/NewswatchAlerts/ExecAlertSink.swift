import Foundation
import Logging
import NewswatchCore
import NewswatchSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The `exec` sink: runs a command (no shell) with the message JSON and a newline on its stdin.
///
/// The command runs in its own process group with default signal dispositions and an empty signal mask, its
/// stdout discarded and the last 4 KiB of its stderr kept for the log. When it outlives `timeout` (or the
/// delivering task is cancelled, e.g. at shutdown) the whole group gets SIGTERM, then SIGKILL after
/// `killGrace`. Exit status 0 is success; anything else is an ``AlertSinkError`` and the delivery is retried.
/// The blocking work happens on a thread of its own, never on the cooperative pool.
package struct ExecAlertSink: AlertSink {
    /// How one run ended.
    package enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
        /// Killed by us after the timeout or on cancellation.
        case timedOut
        case spawnFailed(errno: Int32)
    }

    /// One run's result.
    package struct Outcome: Sendable, Equatable {
        package var termination: Termination
        /// The end of what the command wrote to stderr (at most ``ExecAlertSink/stderrTailBytes``), as UTF-8.
        package var stderrTail: String
    }

    /// How much stderr is kept.
    package static let stderrTailBytes = 4096
    /// Variables the command must not inherit: it is not the service's main process.
    static let withheldEnvironment: Set<String> = ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"]

    package let command: [String]
    package let timeout: Duration
    package let killGrace: Duration
    /// The environment the command starts from (minus systemd's notification variables); `nil`: this process's.
    package let environment: [String: String]?
    private let logger: Logger

    /// - Parameters:
    ///   - command: the program (absolute, or looked up in `PATH`) and its arguments.
    ///   - timeout: the config's `timeout` (default 10 s).
    package init(
        command: [String], timeout: Duration = .seconds(10), killGrace: Duration = .seconds(1),
        environment: [String: String]? = nil, logger: Logger
    ) {
        self.command = command
        self.timeout = timeout
        self.killGrace = killGrace
        self.environment = environment
        self.logger = logger
    }

    package var type: String { "exec" }
    package var displayName: String { SinkName.exec(command: command) }

    package func deliver(_ message: SinkMessage) async throws(AlertSinkError) {
        var input = AlertPayload.json(message)
        input.append(0x0A)
        let started = ContinuousClock.now
        let outcome = await run(input: input)
        let elapsed = ContinuousClock.now - started
        var metadata: Logger.Metadata = [
            "sink": "exec", "command": "\(command.first ?? "")",
            "duration_ms": "\(elapsed.inMilliseconds)",
        ]
        // A command's own error text can carry the URL it was given (a webhook token in it): never logged whole.
        let tail = URLRedaction.scrubbingURLs(in: outcome.stderrTail.trimmingCharacters(in: .whitespacesAndNewlines))
        if !tail.isEmpty { metadata["stderr"] = "\(String(tail.suffix(1000)))" }
        let error: AlertSinkError?
        switch outcome.termination {
        case .exited(0):
            metadata["exit_code"] = "0"
            error = nil
        case .exited(let code):
            metadata["exit_code"] = "\(code)"
            error = AlertSinkError(.commandFailed(exitCode: code), sink: displayName, detail: tail)
        case .signalled(let signal):
            metadata["signal"] = "\(signal)"
            error = AlertSinkError(.commandKilled(signal: signal), sink: displayName, detail: tail)
        case .timedOut:
            metadata["timeout_ms"] = "\(timeout.inMilliseconds)"
            error = AlertSinkError(.timedOut, sink: displayName, detail: tail)
        case .spawnFailed(let code):
            error = AlertSinkError(.spawnFailed(errno: code), sink: displayName)
        }
        if let error {
            logger.warning("exec sink failed: \(error.kind)", metadata: metadata)
            throw error
        }
        logger.info("exec sink delivered", metadata: metadata)
    }

    /// Runs the command once with `input` on stdin and waits for it (or for the timeout).
    package func run(input: Data) async -> Outcome {
        let cancelled = Locked(false)
        let command = command
        let timeout = timeout
        let killGrace = killGrace
        let environment = (environment ?? ProcessInfo.processInfo.environment).filter {
            !Self.withheldEnvironment.contains($0.key)
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
                let thread = Thread {
                    let outcome = ExecProcessRun(
                        command: command, input: input, environment: environment, timeout: timeout,
                        killGrace: killGrace, cancelled: cancelled
                    ).execute()
                    continuation.resume(returning: outcome)
                }
                thread.name = "newswatch-exec-sink"
                thread.start()
            }
        } onCancel: {
            cancelled.withLock { $0 = true }
        }
    }
}

/// One blocking run of a command, on the calling (dedicated) thread.
private struct ExecProcessRun {
    let command: [String]
    let input: Data
    let environment: [String: String]
    let timeout: Duration
    let killGrace: Duration
    /// Set from the task's cancellation handler, read by the exec thread.
    let cancelled: Locked<Bool>

    func execute() -> ExecAlertSink.Outcome {
        guard let program = command.first, !program.isEmpty else {
            return .init(termination: .spawnFailed(errno: ENOENT), stderrTail: "")
        }
        var stdinPair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &stdinPair) == 0
        else { return .init(termination: .spawnFailed(errno: errno), stderrTail: "") }
        var errPipe: [Int32] = [-1, -1]
        // A socket pair rather than pipe2(2), which Glibc's Swift overlay does not import; both ends CLOEXEC.
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &errPipe) == 0 else {
            let code = errno
            close(stdinPair[0])
            close(stdinPair[1])
            return .init(termination: .spawnFailed(errno: code), stderrTail: "")
        }
        let devNull = open("/dev/null", O_WRONLY | O_CLOEXEC)
        // The parent's ends: we write stdin through a socket so a command that exits without reading gives us
        // EPIPE from send(MSG_NOSIGNAL) instead of a process-killing SIGPIPE.
        let inputFD = stdinPair[0]
        let stderrFD = errPipe[0]

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPair[1], 0)
        if devNull >= 0 { posix_spawn_file_actions_adddup2(&actions, devNull, 1) }
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Own process group, so a timeout kills the command's children too; default signals, because the
        // daemon ignores or blocks SIGTERM/SIGINT/SIGHUP for its own handling and children would inherit that.
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)

        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in envp { free(p) } }

        var pid: pid_t = 0
        let spawnResult = posix_spawnp(&pid, program, &actions, &attributes, argv, envp)
        close(stdinPair[1])
        close(errPipe[1])
        if devNull >= 0 { close(devNull) }
        guard spawnResult == 0 else {
            close(inputFD)
            close(stderrFD)
            return .init(termination: .spawnFailed(errno: spawnResult), stderrTail: "")
        }
        _ = fcntl(inputFD, F_SETFL, fcntl(inputFD, F_GETFL) | O_NONBLOCK)
        _ = fcntl(stderrFD, F_SETFL, fcntl(stderrFD, F_GETFL) | O_NONBLOCK)

        var tail = TailBuffer(capacity: ExecAlertSink.stderrTailBytes)
        let inputBytes = [UInt8](input)
        var written = 0
        var inputOpen = true
        var stderrOpen = true
        let deadline = ContinuousClock.now + timeout
        var termination: ExecAlertSink.Termination?

        func closeInput() {
            if inputOpen {
                close(inputFD)
                inputOpen = false
            }
        }
        func drainStderr() {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while stderrOpen {
                let read = try? Syscall.retryingInterrupts("read") {
                    buffer.withUnsafeMutableBytes { Glibc.read(stderrFD, $0.baseAddress, $0.count) }
                }
                guard let n = read else { return }  // EAGAIN: nothing more for now
                if n > 0 {
                    tail.append(buffer[0..<n])
                } else {
                    stderrOpen = false
                }
            }
        }

        while termination == nil {
            if let status = Self.reap(pid, blocking: false) {
                termination = status
                break
            }
            if cancelled.withLock({ $0 }) || ContinuousClock.now >= deadline {
                termination = Self.kill(group: pid, grace: killGrace)
                break
            }
            var fds: [pollfd] = []
            if inputOpen { fds.append(pollfd(fd: inputFD, events: Int16(POLLOUT), revents: 0)) }
            if stderrOpen { fds.append(pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)) }
            // Wake at least every 50 ms to notice the exit, the deadline and cancellation.
            let remaining = deadline - ContinuousClock.now
            let remainingMS = max(0, remaining.inMilliseconds)
            let ready = poll(&fds, nfds_t(fds.count), Int32(min(50, remainingMS + 1)))
            if ready <= 0 { continue }
            for fd in fds where fd.revents != 0 {
                if fd.fd == inputFD {
                    if fd.revents & Int16(POLLOUT) != 0 {
                        let n = inputBytes.withUnsafeBytes { buf in
                            send(inputFD, buf.baseAddress! + written, buf.count - written, Int32(MSG_NOSIGNAL))
                        }
                        if n > 0 {
                            written += n
                            if written == inputBytes.count { closeInput() }
                        } else if n < 0 && errno != EAGAIN && errno != EINTR {
                            closeInput()  // the command closed its stdin; what it does next decides
                        }
                    } else {
                        closeInput()
                    }
                } else if fd.fd == stderrFD {
                    drainStderr()
                }
            }
        }
        closeInput()
        drainStderr()
        close(stderrFD)
        return .init(termination: termination!, stderrTail: tail.text)
    }

    /// The child's end, if it has ended (`blocking`: wait for it).
    private static func reap(_ pid: pid_t, blocking: Bool) -> ExecAlertSink.Termination? {
        var status: Int32 = 0
        let r = try? Syscall.retryingInterrupts("waitpid") { waitpid(pid, &status, blocking ? 0 : WNOHANG) }
        if r == 0 { return nil }
        guard r == pid else { return .exited(127) }  // ECHILD: someone else reaped it; treat as a failed run
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift cannot import.
        if status & 0x7f == 0 { return .exited((status >> 8) & 0xff) }
        return .signalled(status & 0x7f)
    }

    /// SIGTERM to the group, SIGKILL after `grace`, then reap.
    private static func kill(group pid: pid_t, grace: Duration) -> ExecAlertSink.Termination {
        _ = Glibc.kill(-pid, SIGTERM)
        let killAt = ContinuousClock.now + grace
        while ContinuousClock.now < killAt {
            if reap(pid, blocking: false) != nil {
                _ = Glibc.kill(-pid, SIGKILL)  // stragglers in the group
                return .timedOut
            }
            usleep(10_000)
        }
        _ = Glibc.kill(-pid, SIGKILL)
        _ = reap(pid, blocking: true)
        return .timedOut
    }
}

/// The last `capacity` bytes written.
private struct TailBuffer {
    let capacity: Int
    private(set) var bytes: [UInt8] = []
    /// Whether the start was cut off.
    private(set) var cut = false
    init(capacity: Int) { self.capacity = capacity }
    mutating func append(_ more: ArraySlice<UInt8>) {
        bytes += more
        if bytes.count > capacity {
            bytes.removeFirst(bytes.count - capacity)
            cut = true
        }
    }
    /// The text kept; when its start was cut, from the first whole word on: a URL cut before its `scheme://` would
    /// not be recognised, and its token would be shown (review 12).
    var text: String {
        guard cut else { return String(decoding: bytes, as: UTF8.self) }
        guard let space = bytes.firstIndex(where: { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }) else {
            return ""
        }
        return String(decoding: bytes[(space + 1)...], as: UTF8.self)
    }
}
