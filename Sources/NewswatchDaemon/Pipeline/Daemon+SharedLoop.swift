import Foundation
import NewswatchCore
import NewswatchStore

// The daemon loop when several daemons share one store (CONTRACT §9): instead of keeping every feed's due time in
// memory, each daemon claims due feeds from the store with expiring leases, polls them, records the outcome and the
// next due time in the store, and gives the lease back. The store is the schedule: a feed is polled by one daemon at
// a time, a dead daemon's feeds pass to the others when its leases expire, and a daemon sleeps until the store says
// the next feed falls due.
extension Daemon {
    private enum SharedEvent: Sendable {
        case wake
        case finished(key: String, outcome: PollOutcome, state: FeedState?)
    }

    /// Polls feeds claimed from `leases` as they fall due until the calling task is cancelled. `owner` names this
    /// daemon in the leases; `lease` is how long a claim holds (a poll must finish well within it). `heartbeat` is
    /// called every time the loop wakes; the loop never sleeps longer than `maxSleep` seconds.
    public func runShared(
        leases: any FeedLeaseStore, owner: String, lease: TimeInterval,
        heartbeat: @escaping @Sendable () -> Void = {}, maxSleep: TimeInterval = 30
    ) async throws {
        var c = current.withLock { $0 }
        try await syncFeeds(c.plan)
        var targets = Self.targetsByKey(c.plan)
        var inFlight: Set<String> = []
        // Feeds in the store that this daemon's configuration lacks (another daemon's has them: a rolling reload):
        // handed back when claimed, and never claimed again until a reload brings them in.
        var unknown: Set<String> = []
        var monitor = NetworkMonitor()
        logger.info(
            "polling \(targets.count) feeds with other daemons",
            metadata: ["owner": "\(owner)", "topics": "\(c.plan.matcher.topics.count)"])

        let (events, continuation) = AsyncStream<SharedEvent>.makeStream()
        // A reload wakes this loop through the same inbox as the single-daemon loop's.
        let relay = AsyncStream<LoopEvent>.makeStream()
        loopInbox.withLock { $0 = relay.continuation }
        let relaying = Task {
            for await _ in relay.stream { continuation.yield(.wake) }
        }
        let clock = self.clock
        var timer: Task<Void, Never>?
        defer {
            timer?.cancel()
            relaying.cancel()
            loopInbox.withLock { $0 = nil }
        }

        await withDiscardingTaskGroup { group in
            defer { group.cancelAll() }
            continuation.yield(.wake)
            for await event in events {
                if Task.isCancelled { break }
                heartbeat()
                let latest = current.withLock { $0 }
                if latest.generation != c.generation {
                    c = latest
                    try? await syncFeeds(c.plan)
                    targets = Self.targetsByKey(c.plan)
                    unknown.subtract(targets.keys)
                    logger.info("config reloaded", metadata: ["feeds": "\(targets.count)"])
                }
                if case .finished(let key, let outcome, let state) = event {
                    inFlight.remove(key)
                    await finishShared(
                        key: key, outcome: outcome, state: state, target: targets[key], monitor: &monitor,
                        plan: c, leases: leases, owner: owner)
                }
                let slots = max(1, c.plan.config.daemon.concurrency)
                // While polls run, claim a quarter of the slots at a time, not one per finished poll: a claim is a
                // transaction of several statements whatever its size, and an all-304 round is thousands of them.
                // A slot waits at most for a few more polls to finish (each wakes this loop).
                let free = slots - inFlight.count
                var claimedNothing = false
                if free >= Self.claimBatch(slots: slots, running: inFlight.count) {
                    let claimed: [FeedLease]
                    do {
                        claimed = try await leases.claimDueFeeds(
                            owner: owner, now: clock.now(), lease: lease, limit: free, excluding: unknown.sorted())
                    } catch {
                        // A claim cut short by the shutdown is not a store failure.
                        if !Task.isCancelled { logger.error("store: cannot claim due feeds: \(error)") }
                        claimed = []
                    }
                    claimedNothing = claimed.isEmpty
                    let poller = self.sharedPoller(c, owner: owner)
                    let scheduler = self.scheduler
                    let store = self.store
                    for claim in claimed {
                        // Still polling it (a poll longer than the lease): the claim has just renewed the lease.
                        if inFlight.contains(claim.key) { continue }
                        guard let target = targets[claim.key] else {
                            // Another daemon's config has it and ours lacks it: back at once, for them.
                            await handBack(claim, leases: leases, unknown: &unknown)
                            continue
                        }
                        inFlight.insert(claim.key)
                        group.addTask {
                            // The state as the last daemon to poll it left it, not as this one remembers it: read by
                            // the claim itself (PostgreSQL), or read now.
                            var state = claim.state
                            if state == nil { state = try? await store.feedState(key: claim.key) }
                            let outcome = await poller.poll(target, state: state, scheduler: scheduler)
                            if case .ingested(let r, _) = outcome, !r.alerts.isEmpty { self.alertsArrived() }
                            continuation.yield(.finished(key: claim.key, outcome: outcome, state: state))
                        }
                    }
                }
                // Sleep until the store's next due time, a poll finishes, a reload, or at most `maxSleep`.
                let now = clock.now()
                // With fewer slots free than a claim takes, a finishing poll wakes the loop; the store's due time
                // would be "now" (the feeds waiting for a slot), a wake every few milliseconds.
                let busy = slots - inFlight.count < Self.claimBatch(slots: slots, running: inFlight.count)
                var due = busy ? nil : ((try? await leases.nextDueTime(at: now)) ?? nil)
                // Due feeds this claim could not take (their host's limit is full, another daemon is claiming them,
                // or our config lacks them and we handed them back): due "now" again at once, a wake every 50 ms.
                // Look again in a second instead; a poll of ours that finishes still wakes the loop at once.
                if claimedNothing, let d = due, d <= now { due = now.addingTimeInterval(Self.unclaimableRetry) }
                let wake = min(due ?? .distantFuture, now.addingTimeInterval(maxSleep))
                timer?.cancel()
                timer = Task {
                    do {
                        try await clock.sleep(until: max(wake, now.addingTimeInterval(0.05)))
                        continuation.yield(.wake)
                    } catch {}
                }
            }
        }
        continuation.finish()
    }

    /// Records a finished poll's failure and next due time, then gives the lease back (a success's own write has
    /// given it back already, in the same statement or transaction as the outcome). When the store refused the
    /// poll's write the lease is kept until it expires: the feed stays due in the store, and releasing it would have
    /// every daemon retry it at once against a store that is down.
    private func finishShared(
        key: String, outcome: PollOutcome, state: FeedState?, target: PollTarget?, monitor: inout NetworkMonitor,
        plan c: Current, leases: any FeedLeaseStore, owner: String
    ) async {
        if let target {
            let now = clock.now()
            var networkDown = false
            if case .failed(let failure) = outcome {
                monitor.record(
                    host: target.host, result: FeedScheduling.fetchOutcome(outcome, now: now).result, at: now)
                networkDown = monitor.isDown && failure.isNetworkLevel
                await poller(c).record(failure, for: target, charged: !networkDown, at: now)
            } else {
                monitor.record(host: target.host, result: .ok, at: now)
            }
            await storeNextDue(target, outcome: outcome, state: state, networkDown: networkDown)
            if outcome.storeWriteFailed { return }
            // A recorded success gave the lease back in its own write (the poller's `leaseOwner`).
            if outcome.stateAfter != nil { return }
        }
        do {
            try await leases.releaseLease(key: key, owner: owner)
        } catch {
            logger.error("store: cannot release a lease: \(error)", metadata: ["feed": "\(key)"])
        }
    }

    /// The poller for claimed feeds: a successful poll's write gives the lease back in the same statement.
    private func sharedPoller(_ c: Current, owner: String) -> FeedPoller {
        var poller = self.poller(c)
        poller.leaseOwner = owner
        return poller
    }

    /// Gives back at once a feed this daemon's configuration lacks, and leaves it out of its claims from now on.
    private func handBack(_ claim: FeedLease, leases: any FeedLeaseStore, unknown: inout Set<String>) async {
        unknown.insert(claim.key)
        logger.notice(
            "not in this daemon's config: left to the daemons that have it",
            metadata: ["feed": "\(URLRedaction.redact(claim.key))"])
        do {
            try await leases.releaseLease(key: claim.key, owner: claim.owner)
        } catch {
            logger.error(
                "store: cannot release a lease: \(error)", metadata: ["feed": "\(URLRedaction.redact(claim.key))"])
        }
    }

    /// The fewest free slots worth a claim: one when nothing runs, else a quarter of the slots.
    private static func claimBatch(slots: Int, running: Int) -> Int { running == 0 ? 1 : max(1, slots / 4) }

    /// How long the loop waits before claiming again when due feeds were there but none could be claimed.
    static let unclaimableRetry: TimeInterval = 1

    private static func targetsByKey(_ plan: DaemonPlan) -> [String: PollTarget] {
        Dictionary(plan.targets.map { ($0.descriptor.key, $0) }, uniquingKeysWith: { a, _ in a })
    }
}
