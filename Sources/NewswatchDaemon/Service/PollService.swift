import Logging
import NewswatchSystem
import ServiceLifecycle

/// The scheduler loop as a service: polls feeds as they fall due until graceful shutdown, beats the watchdog on
/// every wake-up and sends `READY=1` at the first one (CONTRACT §7).
struct PollService: Service {
    let runtime: DaemonRuntime
    let petter: WatchdogPetter

    func run() async throws {
        // The loop must wake within a quarter of the watchdog period (WatchdogPetter's timing); sub-second periods
        // are kept, so a short `WatchdogSec=` is honoured, not rounded up to a second.
        let maxSleep = max(0.05, min(30, petter.maxLoopSleep.map(\.inSeconds) ?? 30))
        let runtime = self.runtime
        let petter = self.petter
        let notifier = runtime.notifier
        let logger = runtime.logger
        // READY=1 at the loop's first wake-up: the feeds are in the store and scheduled, so the STATUS= sent with
        // it counts them.
        let started = Locked(false)
        try await withGracefulShutdownHandler {
            try await cancelWhenGracefulShutdown {
                let heartbeat: @Sendable () -> Void = {
                    petter.heartbeat()
                    let first = started.withLock { was in
                        defer { was = true }
                        return !was
                    }
                    // The status line reads the store: off this (synchronous) heartbeat, READY follows at once.
                    if first { Task { notifier.ready(status: await runtime.statusLine()) } }
                }
                if let shared = runtime.shared {
                    try await runtime.daemon.runShared(
                        leases: shared.leases(logger: logger), owner: shared.owner, lease: shared.lease,
                        heartbeat: heartbeat,
                        maxSleep: maxSleep)
                } else {
                    try await runtime.daemon.run(heartbeat: heartbeat, maxSleep: maxSleep)
                }
            }
        } onGracefulShutdown: {
            // The group shuts services down one after another, polling first: STOPPING=1 goes out as the shutdown
            // begins, not once the in-flight fetches have been abandoned.
            notifier.stopping()
            logger.info("stopping")
        }
    }
}
