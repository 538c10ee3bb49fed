import Foundation
import Logging
import NewswatchStore

#if canImport(Glibc)
    import Glibc
#endif

/// `run --once` on a shared PostgreSQL store: it polls every feed now, whatever its lease, so beside daemons it would
/// poll their feeds a second time within an interval (CONTRACT §9). It takes the store's presence lock exclusively
/// for the round, which the server grants only while no daemon (and no other `run --once`) holds it, and which keeps
/// daemons started during the round from claiming feeds; refused, it names the daemons with a recent heartbeat.
/// Granted, it waits for polls still in flight under live leases (a daemon killed or cut off mid-poll) to end, at
/// most one `lease`.
enum RunOnceStoreHold {
    /// How often the wait for live leases looks again.
    static let leaseCheckInterval: Duration = .milliseconds(500)

    /// The held lock (release it after the round), or `nil` on SQLite; throws the refusal.
    static func take(_ runtime: DaemonRuntime) async throws -> StorePresence? {
        guard let postgres = runtime.opened.postgres else { return nil }
        let presence = StorePresence(
            location: postgres.location, mode: .exclusive,
            applicationName: "newswatch run --once \(SharedMembership.hostName()) PID \(getpid())")
        guard try await presence.acquire() else {
            // The names only: who holds the lock is the server's word, not a comparison of clocks.
            let running = (try? await SharedMembership.running(on: postgres, at: Date())) ?? []
            let names = running.map { "\($0.hostName) PID \($0.pid)" }.joined(separator: ", ")
            let who = running.isEmpty ? "daemons or another run --once" : "\(running.count) daemon(s) (\(names))"
            throw CommandError(
                .failure,
                "run --once: \(who) poll this store; a round now would poll their feeds a second time: stop them "
                    + "first, or leave the polling to them")
        }
        do {
            try await waitForLiveLeases(postgres, lease: runtime.shared?.lease ?? 120, logger: runtime.logger)
        } catch {
            await presence.release()
            throw error
        }
        return presence
    }

    /// Waits while feeds are leased (their polls may still be under way), at most `lease` seconds by this process's
    /// monotonic clock: no new lease can be taken while the lock is held, so they only run out or are given back.
    static func waitForLiveLeases(_ store: PostgresStore, lease: TimeInterval, logger: Logger) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(lease)
        var said = false
        while true {
            let live = try await store.liveLeases(at: Date())
            if live.isEmpty { return }
            let count = live.values.reduce(0, +)
            let owners = live.keys.sorted().joined(separator: ", ")
            guard clock.now < deadline else {
                logger.warning(
                    "run --once: \(count) feed lease(s) still held by \(owners) after \(Int(lease)) s; polling anyway")
                return
            }
            if !said {
                logger.notice(
                    "run --once: waiting for \(count) feed poll(s) under lease by \(owners) to end (at most \(Int(lease)) s)"
                )
                said = true
            }
            try await Task.sleep(for: leaseCheckInterval)
        }
    }
}
