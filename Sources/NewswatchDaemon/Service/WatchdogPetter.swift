import Foundation
import ServiceLifecycle

/// Sends systemd's `WATCHDOG=1` only while the daemon's scheduler loop is making progress (CONTRACT §7).
///
/// The scheduler loop calls ``heartbeat()`` every time it wakes and never sleeps longer than ``maxLoopSleep``,
/// so idle waiting for the next due feed keeps the service healthy. ``run()`` wakes every
/// ``SystemdNotifier/watchdogInterval`` (half of `WATCHDOG_USEC`) and pings only if a heartbeat came within the
/// last such interval. When the loop or the store is stuck, heartbeats stop, the pings stop, and systemd
/// restarts the service after `WatchdogSec=`.
///
/// Timing: with watchdog period `W`, pings are `W/2` apart, a ping needs a heartbeat younger than `W/2`, and
/// the loop wakes at least every `W/4` — leaving `W/4` for a wake-up that is slow to reach its heartbeat.
public final class WatchdogPetter: Service, @unchecked Sendable {
    // Owner: `lock` guards `lastHeartbeat`; everything else is immutable.
    private let lock = NSLock()
    private var lastHeartbeat: ContinuousClock.Instant
    private let notifier: SystemdNotifier

    /// How often `WATCHDOG=1` is sent, and how recent a heartbeat must be; `nil` when systemd set no watchdog.
    public let pingInterval: Duration?

    /// The longest the scheduler loop may sleep between heartbeats (a quarter of the watchdog period);
    /// `nil` when there is no watchdog and the loop may sleep until its next due feed.
    public var maxLoopSleep: Duration? { pingInterval.map { $0 / 2 } }

    /// A petter for `notifier`'s watchdog; creation counts as the first heartbeat.
    public init(notifier: SystemdNotifier) {
        self.notifier = notifier
        pingInterval = notifier.watchdogInterval
        lastHeartbeat = .now
    }

    /// Records that the scheduler loop woke and is making progress. Cheap; call it on every wake-up.
    public func heartbeat() {
        heartbeat(at: .now)
    }

    /// Records a heartbeat at `instant` (tests pass explicit instants).
    public func heartbeat(at instant: ContinuousClock.Instant) {
        lock.withLock {
            if instant > lastHeartbeat { lastHeartbeat = instant }
        }
    }

    /// Whether a heartbeat came within the last ``pingInterval`` before `instant` (always `true` without a
    /// watchdog).
    public func isHealthy(at instant: ContinuousClock.Instant) -> Bool {
        guard let pingInterval else { return true }
        let last = lock.withLock { lastHeartbeat }
        return instant - last <= pingInterval
    }

    /// Pings systemd every ``pingInterval`` while healthy, until the task is cancelled or graceful shutdown
    /// begins (systemd stops the watchdog once the unit is stopping). Without a watchdog it just waits.
    public func run() async throws {
        await cancelWhenGracefulShutdown { [self] in await loop() }
    }

    private func loop() async {
        guard let pingInterval else {
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
            return
        }
        while !Task.isCancelled {
            if isHealthy(at: .now) { notifier.watchdog() }
            do {
                try await Task.sleep(for: pingInterval)
            } catch {
                return
            }
        }
    }
}
