import Foundation
import NewswatchTestSupport
import Testing

@testable import NewswatchDaemon

@Suite struct WatchdogPetterTests {
    @Test func healthDependsOnTheLastHeartbeat() {
        let notifier = SystemdNotifier(environment: ["WATCHDOG_USEC": "20000000"], pid: getpid())
        let petter = WatchdogPetter(notifier: notifier)
        #expect(petter.pingInterval == .seconds(10))
        #expect(petter.maxLoopSleep == .seconds(5))

        let t0 = ContinuousClock.now
        petter.heartbeat(at: t0)
        #expect(petter.isHealthy(at: t0 + .seconds(10)))
        #expect(!petter.isHealthy(at: t0 + .seconds(11)))
        petter.heartbeat(at: t0 + .seconds(9))
        #expect(petter.isHealthy(at: t0 + .seconds(19)))
        // An older heartbeat arriving late does not move the mark back.
        petter.heartbeat(at: t0 + .seconds(1))
        #expect(petter.isHealthy(at: t0 + .seconds(19)))
        #expect(!petter.isHealthy(at: t0 + .seconds(20)))
    }

    @Test func withoutAWatchdogTheLoopMaySleepFreely() {
        let petter = WatchdogPetter(notifier: SystemdNotifier(environment: [:]))
        #expect(petter.pingInterval == nil)
        #expect(petter.maxLoopSleep == nil)
        #expect(petter.isHealthy(at: .now + .seconds(86400)))
    }

    @Test func pingsWhileHeartbeatsComeAndStopsWhenTheyStop() async throws {
        let listener = try NotifySocketListener()
        // A 1 s watchdog: pings every 0.5 s while a heartbeat is younger than 0.5 s.
        let notifier = SystemdNotifier(
            environment: ["NOTIFY_SOCKET": listener.address, "WATCHDOG_USEC": "1000000"], pid: getpid())
        let petter = WatchdogPetter(notifier: notifier)
        let pinger = Task { try await petter.run() }
        defer { pinger.cancel() }

        // The loop is alive: heartbeats every 50 ms for 1.6 s.
        let alive = Task.detached {
            for _ in 0..<32 {
                petter.heartbeat()
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let whileAlive = await onOwnThread { listener.receiveAll(for: 1.6) }
        try await alive.value
        #expect(!whileAlive.isEmpty)
        #expect(whileAlive.allSatisfy { $0 == "WATCHDOG=1" })

        // The loop is stuck: after one ping interval (a ping may still be on its way) nothing more comes.
        _ = await onOwnThread { listener.receiveAll(for: 0.7) }
        let whileStuck = await onOwnThread { listener.receiveAll(for: 1.5) }
        #expect(whileStuck.isEmpty)

        // It recovers: heartbeats bring the pings back.
        let again = Task.detached {
            while !Task.isCancelled {
                petter.heartbeat()
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        defer { again.cancel() }
        let recovered = await onOwnThread { listener.receive(timeout: 5) }
        #expect(recovered == "WATCHDOG=1")
    }
}

/// Runs a blocking socket read on a thread of its own: on the two-thread cooperative pool a blocked reader (and
/// other tests running in parallel) would starve the very pinger under test.
private func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: body()) }.start()
    }
}
