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
                    logger.info("config reloaded", metadata: ["feeds": "\(targets.count)"])
                }
                if case .finished(let key, let outcome, let state) = event {
                    inFlight.remove(key)
                    await finishShared(
                        key: key, outcome: outcome, state: state, target: targets[key], monitor: &monitor,
                        plan: c, leases: leases, owner: owner)
                }
                let free = max(1, c.plan.config.daemon.concurrency) - inFlight.count
                if free > 0 {
                    let claimed: [FeedLease]
                    do {
                        claimed = try await leases.claimDueFeeds(
                            owner: owner, now: clock.now(), lease: lease, limit: free)
                    } catch {
                        logger.error("store: cannot claim due feeds: \(error)")
                        claimed = []
                    }
                    let poller = self.poller(c)
                    let scheduler = self.scheduler
                    let store = self.store
                    for claim in claimed {
                        // Still polling it (a poll longer than the lease): the claim has just renewed the lease; a
                        // feed another daemon's config has and ours lacks (a reload under way): its lease runs out
                        // (released at once, this loop would claim it again and again).
                        guard let target = targets[claim.key], !inFlight.contains(claim.key) else { continue }
                        inFlight.insert(claim.key)
                        group.addTask {
                            // The state as the last daemon to poll it left it, not as this one remembers it.
                            let state = try? await store.feedState(key: claim.key)
                            let outcome = await poller.poll(target, state: state, scheduler: scheduler)
                            if case .ingested(let r, _) = outcome, !r.alerts.isEmpty { self.alertsArrived() }
                            continuation.yield(.finished(key: claim.key, outcome: outcome, state: state))
                        }
                    }
                }
                // Sleep until the store's next due time, a poll finishes, a reload, or at most `maxSleep`.
                let now = clock.now()
                // With every slot busy a finishing poll wakes the loop; the store's due time would be "now" (the
                // feeds waiting for a slot), a wake every few milliseconds.
                let busy = inFlight.count >= max(1, c.plan.config.daemon.concurrency)
                let due = busy ? nil : ((try? await leases.nextDueTime(at: now)) ?? nil)
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

    /// Records a finished poll's failure and next due time, then gives the lease back. When the store refused the
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
        }
        do {
            try await leases.releaseLease(key: key, owner: owner)
        } catch {
            logger.error("store: cannot release a lease: \(error)", metadata: ["feed": "\(key)"])
        }
    }

    private static func targetsByKey(_ plan: DaemonPlan) -> [String: PollTarget] {
        Dictionary(plan.targets.map { ($0.descriptor.key, $0) }, uniquingKeysWith: { a, _ in a })
    }
}
