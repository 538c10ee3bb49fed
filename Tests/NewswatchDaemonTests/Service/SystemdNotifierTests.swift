import Foundation
import NewswatchTestSupport
import Testing

@testable import NewswatchDaemon

@Suite struct SystemdNotifierTests {
    @Test func sendsExactDatagramsToAPathSocket() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let listener = try NotifySocketListener(directory: dir.url)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.address])
        #expect(notifier.isEnabled)
        #expect(notifier.address == .path(listener.address))

        notifier.ready(status: "12 feeds ok, 0 failing")
        notifier.status("polling\nround 2")
        notifier.watchdog()
        notifier.stopping()

        #expect(listener.receive(timeout: 5) == "READY=1\nSTATUS=12 feeds ok, 0 failing")
        #expect(listener.receive(timeout: 5) == "STATUS=polling round 2")
        #expect(listener.receive(timeout: 5) == "WATCHDOG=1")
        #expect(listener.receive(timeout: 5) == "STOPPING=1")
    }

    @Test func sendsToAnAbstractSocket() throws {
        let listener = try NotifySocketListener()
        #expect(listener.address.hasPrefix("@"))
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.address])
        #expect(notifier.address == .abstract(String(listener.address.dropFirst())))
        notifier.ready()
        #expect(listener.receive(timeout: 5) == "READY=1")
    }

    @Test func reloadingCarriesTheMonotonicClock() throws {
        let listener = try NotifySocketListener()
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.address])
        let before = SystemdNotifier.monotonicMicroseconds()
        notifier.reloading()
        let after = SystemdNotifier.monotonicMicroseconds()
        let message = try #require(listener.receive(timeout: 5))
        let lines = message.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.first == "RELOADING=1")
        let usecText = try #require(lines.last?.split(separator: "=", maxSplits: 1).last)
        #expect(lines.last?.hasPrefix("MONOTONIC_USEC=") == true)
        let usec = try #require(UInt64(usecText))
        #expect(usec >= before && usec <= after)
    }

    @Test func isANoOpWithoutNotifySocket() throws {
        let notifier = SystemdNotifier(environment: [:])
        #expect(!notifier.isEnabled)
        #expect(notifier.watchdogInterval == nil)
        try notifier.notify([("READY", "1")])  // must neither throw nor crash
        notifier.ready()
    }

    @Test func unsupportedAddressesTurnNotificationsOff() {
        #expect(SystemdNotifier.Address("vsock:2:1234") == nil)
        #expect(SystemdNotifier.Address("relative/path") == nil)
        #expect(SystemdNotifier.Address("@") == nil)
        #expect(!SystemdNotifier(environment: ["NOTIFY_SOCKET": "vsock:2:1234"]).isEnabled)
    }

    @Test func missingSocketIsReportedAsAnError() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": dir.file("absent.sock").path])
        #expect(throws: ServiceError.self) { try notifier.notify([("READY", "1")]) }
        do {
            try notifier.notify([("READY", "1")])
        } catch {
            #expect(error.kind == .socket(errno: ENOENT))
        }
    }

    @Test func watchdogIntervalIsHalfOfWatchdogUSec() {
        let env = ["WATCHDOG_USEC": "30000000"]
        #expect(SystemdNotifier(environment: env, pid: 42).watchdogInterval == .seconds(15))
        #expect(
            SystemdNotifier(environment: env.merging(["WATCHDOG_PID": "42"]) { $1 }, pid: 42).watchdogInterval
                == .seconds(15))
        // WATCHDOG_PID naming another process: the watchdog is not ours.
        #expect(
            SystemdNotifier(environment: env.merging(["WATCHDOG_PID": "43"]) { $1 }, pid: 42).watchdogInterval == nil)
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "0"], pid: 42).watchdogInterval == nil)
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "soon"], pid: 42).watchdogInterval == nil)
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "1001"], pid: 42).watchdogInterval == .microseconds(500))
    }
}
