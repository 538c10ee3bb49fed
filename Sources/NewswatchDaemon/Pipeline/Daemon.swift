import Foundation
import Logging
import NewswatchCore
import NewswatchFetch
import NewswatchMatch
import NewswatchStore
import NewswatchSystem

/// The polling pipeline: schedules every configured feed, polls it, ingests what is new and tells the alert
/// delivery when alerts are owed (DESIGN "The flow of one item").
///
/// `runOnce()` is one round of every feed now (`run --once`, the demo); `run(...)` is the daemon's loop until its
/// task is cancelled. `reload(_:)` swaps the plan (feeds, topics, fetch policy) without a restart.
public final class Daemon: Sendable {
    public let store: any Store
    public let clock: any NewswatchClock
    public let logger: Logger
    public let policy: SchedulerPolicy
    /// Decides every feed's next due time (from `policy`).
    let scheduler: FeedScheduler
    /// Called after an ingest that created alerts (wakes the sinks).
    let alertsArrived: @Sendable () -> Void
    /// The sink routes every ingest creates delivery rows for.
    private let sinkRoutes: @Sendable () -> [SinkRoute]
    let current: Locked<Current>
    /// The running loop's event inbox, so a reload wakes it at once.
    let loopInbox = Locked<AsyncStream<LoopEvent>.Continuation?>(nil)
    /// One line when the store starts refusing writes and one when it takes them again, for all feeds.
    private let storeOutage = StoreOutageLog()

    struct Current: Sendable {
        var plan: DaemonPlan
        var client: HTTPClient
        var generation: Int
    }

    public init(
        plan: DaemonPlan, store: any Store, clock: any NewswatchClock = SystemClock(), logger: Logger,
        policy: SchedulerPolicy = SchedulerPolicy(), sinkRoutes: @escaping @Sendable () -> [SinkRoute] = { [.file] },
        alertsArrived: @escaping @Sendable () -> Void = {}
    ) throws(FetchError) {
        self.store = store
        self.clock = clock
        self.logger = logger
        self.policy = policy
        scheduler = FeedScheduler(policy: policy)
        self.sinkRoutes = sinkRoutes
        self.alertsArrived = alertsArrived
        current = Locked(Current(plan: plan, client: try HTTPClient(configuration: plan.fetch), generation: 0))
    }

    /// The plan in force.
    public var plan: DaemonPlan { current.withLock { $0.plan } }

    /// Replaces the plan. Feeds added are scheduled, removed ones dropped, topics recompiled (the caller built and
    /// validated `plan` before calling). A changed fetch policy gets a new HTTP client; the old one finishes what
    /// it has in flight and is shut down.
    public func reload(_ plan: DaemonPlan) throws(FetchError) {
        let newClient: HTTPClient? = plan.fetch == self.plan.fetch ? nil : try HTTPClient(configuration: plan.fetch)
        let old: HTTPClient? = current.withLock { c in
            c.plan = plan
            c.generation += 1
            guard let newClient else { return nil }
            defer { c.client = newClient }
            return c.client
        }
        loopInbox.withLock { $0 }?.yield(.wake)
        if let old {
            let grace = plan.fetch.timeout + 5
            Task.detached {
                try? await Task.sleep(nanoseconds: UInt64(min(max(0, grace), 86400) * 1e9))
                await old.shutdown()
            }
        }
    }

    /// Shuts the HTTP client down (pending fetches fail as cancelled).
    public func shutdown() async {
        await current.withLock { $0.client }.shutdown()
    }

    func poller(_ c: Current) -> FeedPoller {
        FeedPoller(
            store: store, client: c.client, matcher: c.plan.matcher, sinks: sinkRoutes(),
            backfill: c.plan.config.daemon.backfill.timeInterval, clock: clock, logger: logger,
            storeOutage: storeOutage, maxItems: c.plan.config.daemon.maxItems)
    }

    /// Makes the store's feed list match the plan (new feeds inserted, removed ones marked inactive).
    func syncFeeds(_ plan: DaemonPlan) async throws {
        let store = self.store
        let descriptors = plan.targets.map(\.descriptor)
        let now = clock.now()
        try await store.syncFeeds(descriptors, at: now)
    }

    private func feedStates() async throws -> [String: FeedState] {
        let store = self.store
        let states = try await store.feedStates(includeInactive: false)
        // Straight into the dictionary: no array of (key, state) pairs beside the states (issue 18).
        var byKey = [String: FeedState](minimumCapacity: states.count)
        for state in states where byKey[state.key] == nil { byKey[state.key] = state }
        return byKey
    }

    // MARK: - One round

    /// Polls every feed now (no jitter, due times or backoff), at most `concurrency` at once; failures are logged
    /// and recorded, never thrown. Each feed's next due time is stored as the daemon would schedule it.
    public func runOnce() async throws -> RoundSummary {
        let c = current.withLock { $0 }
        let storeCPUBefore = Offload.storeQueueCPUMicroseconds
        try await syncFeeds(c.plan)
        let states = try await feedStates()
        let poller = self.poller(c)
        let limit = max(1, c.plan.config.daemon.concurrency)
        var summary = RoundSummary()
        // Every feed's host and result, for the network-down decision; the outcomes themselves only where a schedule
        // is still owed. Keeping every outcome to the end held ~1.2 KB per feed (25 MB at 20,000 feeds, issue 18).
        var round: [(host: String?, result: FetchOutcome.Result)] = []
        var owed: [(PollTarget, PollOutcome)] = []
        await withTaskGroup(of: (PollTarget, PollOutcome).self) { group in
            var pending = c.plan.targets[...]
            func startNext() {
                guard let target = pending.popFirst() else { return }
                group.addTask {
                    let outcome = await poller.poll(
                        target, state: states[target.descriptor.key], scheduler: self.scheduler)
                    if case .ingested(let r, _) = outcome, !r.alerts.isEmpty { self.alertsArrived() }
                    return (target, outcome)
                }
            }
            for _ in 0..<limit { startNext() }
            while let (target, outcome) = await group.next() {
                summary.add(outcome)
                round.append((target.host, FeedScheduling.fetchOutcome(outcome, now: clock.now()).result))
                // A success stored its schedule with its own write (`storeNextDue` has nothing left to do for it).
                if !outcome.isSuccess || outcome.stateAfter?.schedule.nextDue == nil { owed.append((target, outcome)) }
                startNext()
            }
        }
        // Decide whether the whole network was down before charging anyone (CONTRACT §6).
        let networkDown = NetworkMonitor.isDown(round: round)
        summary.networkDown = networkDown
        for (target, outcome) in owed {
            let now = clock.now()
            if case .failed(let failure) = outcome {
                await poller.record(failure, for: target, charged: !networkDown, at: now)
            }
            await storeNextDue(target, outcome: outcome, state: states[target.descriptor.key], networkDown: networkDown)
        }
        summary.storeCPUSeconds = Double(Offload.storeQueueCPUMicroseconds - storeCPUBefore) / 1e6
        if networkDown {
            logger.warning("every feed failed to resolve or connect: the network looks down; failures not charged")
        }
        return summary
    }

    /// Stores when `target` is due next after `outcome`; returns that time and the feed's state as now stored.
    /// A successful poll has stored both already (the poller asked `scheduler`): then nothing is read or written here.
    /// Failures, and successes the store could not record, are scheduled here.
    @discardableResult
    func storeNextDue(_ target: PollTarget, outcome: PollOutcome, state: FeedState?, networkDown: Bool) async
        -> (due: Date, state: FeedState?)
    {
        let now = clock.now()
        if outcome.isSuccess, let after = outcome.stateAfter, let due = after.schedule.nextDue {
            return (due, after)
        }
        if outcome.storeWriteFailed {
            // The store refused this poll's write (locked by another process, disk full): the schedule's write would
            // wait and fail the same way. Keep the feed in memory and try it again at its interval, uncharged.
            return (now.addingTimeInterval(max(1, target.interval)), state)
        }
        // Read the state again: ingest and failure recording have just changed it.
        let store = self.store
        let key = target.descriptor.key
        let fresh = (try? await store.feedState(key: key)) ?? state
        let schedule = scheduler.schedule(
            target, after: FeedScheduling.fetchOutcome(outcome, now: now), state: state, previous: fresh?.schedule,
            now: now, networkDown: networkDown)
        do {
            try await store.setSchedule(key: key, schedule)
        } catch {
            logger.error("store: cannot save schedule: \(error)", metadata: ["feed": "\(target.descriptor.name)"])
        }
        var updated = fresh
        updated?.schedule = schedule
        return (schedule.nextDue ?? now, updated)
    }

    // MARK: - The daemon loop

    enum LoopEvent: Sendable {
        case wake
        case finished(key: String, outcome: PollOutcome)
    }

    /// Polls feeds as they fall due until the calling task is cancelled. `heartbeat` is called every time the loop
    /// wakes (the watchdog); the loop never sleeps longer than `maxSleep` seconds, so an idle loop still beats.
    public func run(heartbeat: @escaping @Sendable () -> Void = {}, maxSleep: TimeInterval = 30) async throws {
        var c = current.withLock { $0 }
        try await syncFeeds(c.plan)
        var states = try await feedStates()
        var queue = DueQueue<String>(concurrency: max(1, c.plan.config.daemon.concurrency))
        var targets: [String: PollTarget] = [:]
        var monitor = NetworkMonitor()

        func schedule(_ plan: DaemonPlan, now: Date) {
            let wanted = Dictionary(plan.targets.map { ($0.descriptor.key, $0) }, uniquingKeysWith: { a, _ in a })
            for key in targets.keys where wanted[key] == nil { queue.remove(key) }
            for (key, target) in wanted where targets[key] == nil {
                queue.schedule(key, host: target.host, at: scheduler.firstDue(target, state: states[key], now: now))
            }
            targets = wanted
        }
        schedule(c.plan, now: clock.now())
        logger.info("polling \(targets.count) feeds", metadata: ["topics": "\(c.plan.matcher.topics.count)"])

        let (events, continuation) = AsyncStream<LoopEvent>.makeStream()
        loopInbox.withLock { $0 = continuation }
        let clock = self.clock
        var timer: Task<Void, Never>?
        defer {
            timer?.cancel()
            loopInbox.withLock { $0 = nil }
        }

        // A discarding group: the loop never awaits its polls' results (they come back as events), so finished
        // tasks must not accumulate in the group for the life of the daemon.
        await withDiscardingTaskGroup { group in
            defer { group.cancelAll() }
            continuation.yield(.wake)
            for await event in events {
                if Task.isCancelled { break }
                heartbeat()
                let now = clock.now()
                // A reload since the last event: adopt the new plan.
                let latest = current.withLock { $0 }
                if latest.generation != c.generation {
                    c = latest
                    try? await syncFeeds(c.plan)
                    states = (try? await feedStates()) ?? states
                    queue.concurrency = max(1, c.plan.config.daemon.concurrency)
                    schedule(c.plan, now: now)
                    logger.info("config reloaded", metadata: ["feeds": "\(targets.count)"])
                }
                if case .finished(let key, let outcome) = event {
                    guard let target = targets[key] else {
                        queue.remove(key)
                        continue
                    }
                    var networkDown = false
                    if case .failed(let failure) = outcome {
                        monitor.record(
                            host: target.host, result: FeedScheduling.fetchOutcome(outcome, now: now).result, at: now)
                        networkDown = monitor.isDown && failure.isNetworkLevel
                        await poller(c).record(failure, for: target, charged: !networkDown, at: now)
                    } else {
                        monitor.record(host: target.host, result: .ok, at: now)
                    }
                    let next = await storeNextDue(
                        target, outcome: outcome, state: states[key], networkDown: networkDown)
                    states[key] = next.state
                    queue.finish(key, nextDue: next.due)
                }
                // Start whatever is due.
                let poller = self.poller(c)
                for key in queue.take(at: clock.now()) {
                    guard let target = targets[key] else { continue }
                    let state = states[key]
                    let scheduler = self.scheduler
                    group.addTask {
                        let outcome = await poller.poll(target, state: state, scheduler: scheduler)
                        if case .ingested(let r, _) = outcome, !r.alerts.isEmpty { self.alertsArrived() }
                        continuation.yield(.finished(key: key, outcome: outcome))
                    }
                }
                // Sleep until the next feed is due, a poll finishes, or at most `maxSleep`.
                let wake = min(queue.nextWake() ?? .distantFuture, clock.now().addingTimeInterval(maxSleep))
                timer?.cancel()
                timer = Task {
                    do {
                        try await clock.sleep(until: wake)
                        continuation.yield(.wake)
                    } catch {}
                }
            }
        }
        continuation.finish()
    }
}
