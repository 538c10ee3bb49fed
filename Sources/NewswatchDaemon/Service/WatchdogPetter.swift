import Foundation
import Logging
import NewswatchSystem
import ServiceLifecycle

/// Sends systemd's `WATCHDOG=1` only while the daemon's scheduler loop is making progress (CONTRACT §7).
///
/// The scheduler loop calls ``heartbeat()`` every time it wakes and never sleeps longer than ``maxLoopSleep``,
/// so idle waiting for the next due feed keeps the service healthy. ``run()`` wakes every
/// ``SystemdNotifier/watchdogInterval`` (half of `WATCHDOG_USEC`) and pings only if a heartbeat came within the
/// last such interval. When the loop or the store is stuck, heartbeats stop, the pings stop, and systemd
/// restarts the service after `WatchdogSec=`.
///
/// The store is watched on its own (``StoreProgress``): polls write from their own tasks, so a blocked store does
/// not stop the loop from waking. A store operation running longer than the ping interval, or every write failing
/// for that long, also stops the pings.
///
/// Timing: with watchdog period `W`, pings are `W/2` apart, a ping needs a heartbeat younger than `W/2`, and
/// the loop wakes at least every `W/4` — leaving `W/4` for a wake-up that is slow to reach its heartbeat.
public final class WatchdogPetter: Service, @unchecked Sendable {
    // Owner: immutable; `lastHeartbeat` is behind its own lock.
    private let lastHeartbeat: Locked<ContinuousClock.Instant>
    private let notifier: SystemdNotifier
    private let store: StoreProgress?
    private let logger: Logger?

    /// How often `WATCHDOG=1` is sent, and how recent a heartbeat must be; `nil` when systemd set no watchdog.
    public let pingInterval: Duration?

    /// The longest the scheduler loop may sleep between heartbeats (a quarter of the watchdog period);
    /// `nil` when there is no watchdog and the loop may sleep until its next due feed.
    public var maxLoopSleep: Duration? { pingInterval.map { $0 / 2 } }

    /// A petter for `notifier`'s watchdog; creation counts as the first heartbeat.
    /// - Parameters:
    ///   - store: the store's progress; `nil` watches the loop only.
    ///   - logger: where the service going unhealthy (and recovering) is logged, once each time.
    public init(notifier: SystemdNotifier, store: StoreProgress? = nil, logger: Logger? = nil) {
        self.notifier = notifier
        self.store = store
        self.logger = logger
        pingInterval = notifier.watchdogInterval
        lastHeartbeat = Locked(.now)
    }

    /// Records that the scheduler loop woke and is making progress. Cheap; call it on every wake-up.
    public func heartbeat() {
        heartbeat(at: .now)
    }

    /// Records a heartbeat at `instant` (tests pass explicit instants).
    public func heartbeat(at instant: ContinuousClock.Instant) {
        lastHeartbeat.withLock { last in
            if instant > last { last = instant }
        }
    }

    /// Whether a heartbeat came within the last ``pingInterval`` before `instant` and the store is not stuck
    /// (always `true` without a watchdog).
    public func isHealthy(at instant: ContinuousClock.Instant) -> Bool {
        problem(at: instant) == nil
    }

    /// Why the service is unhealthy at `instant`, `nil` when it is healthy.
    func problem(at instant: ContinuousClock.Instant) -> String? {
        guard let pingInterval else { return nil }
        return problem(at: instant, tolerance: pingInterval)
    }

    /// The same rule with `tolerance` in place of the ping interval: `/healthz` applies it without a watchdog too.
    func problem(at instant: ContinuousClock.Instant, tolerance: Duration) -> String? {
        let last = lastHeartbeat.withLock { $0 }
        if instant - last > tolerance {
            return "the scheduler loop has not woken for \(Self.seconds(instant - last))"
        }
        switch store?.stall(at: instant, tolerance: tolerance) {
        case .operationRunning(let d): return "a store operation has been running for \(Self.seconds(d))"
        case .writesFailing(let d): return "every store write has failed for \(Self.seconds(d))"
        case nil: return nil
        }
    }

    private static func seconds(_ d: Duration) -> String {
        String(format: "%.1f s", d.inSeconds)
    }

    /// Pings systemd every ``pingInterval`` while healthy, until the task is cancelled or graceful shutdown
    /// begins (systemd stops the watchdog once the unit is stopping). Without a watchdog it returns at once (the
    /// daemon's service group ignores that).
    public func run() async throws {
        await cancelWhenGracefulShutdown { [self] in await loop() }
    }

    private func loop() async {
        guard let pingInterval else { return }
        var wasHealthy = true
        while !Task.isCancelled {
            let problem = problem(at: .now)
            if let problem {
                if wasHealthy { logger?.error("watchdog: not telling systemd we are alive: \(problem)") }
            } else {
                if !wasHealthy { logger?.notice("watchdog: healthy again") }
                notifier.watchdog()
            }
            wasHealthy = problem == nil
            do {
                try await Task.sleep(for: pingInterval)
            } catch {
                return
            }
        }
    }
}
