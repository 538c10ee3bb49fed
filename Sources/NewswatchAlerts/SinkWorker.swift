import Foundation
import Logging
import NewswatchCore
import NewswatchStore
import NewswatchSystem

/// Drains the outbox of one sink: due deliveries → rate limiter → (email) batcher → deliver → mark delivered, or
/// record the failure with the retry policy's next attempt, giving up 24 hours after the alert's detection.
///
/// One actor per sink, so a sink's limiter, batch and retry times are its own and a dead sink delays nobody else.
/// A drain never runs twice at once (a call during a drain returns an empty result).
///
/// After a failed attempt the sink is treated as down for the rest of that drain: the other due deliveries are
/// recorded as failed with the same error without being tried, so a dead sink costs one attempt per backoff step,
/// not one per alert. After a successful attempt the sink is up again, and every pending delivery goes at once,
/// backed-off ones included.
actor SinkWorker {
    let endpoint: ConfiguredSink
    let store: any Store
    let policy: SinkRetryPolicy
    let logger: Logger
    private let pageSize: Int
    /// Deliveries read (on a shared store: claimed) at once. Small, so that a page of slow sends (a webhook taking
    /// its whole timeout for each) is done well within a claim's lease; the next read renews the rest.
    static let defaultPageSize = 20

    var limiter: SinkRateLimiter
    private var batcher: AlertBatcher?
    /// The deliveries waiting in the open batch, by alert id.
    var batched: [String: PendingDelivery] = [:]
    /// Alerts the limiter already admitted (a retry must not count against the limit again).
    var admitted: Set<String> = []
    /// When deliveries this worker marked failed fall due again.
    private var retryTimes: [Date] = []
    /// When a hold this worker saw in the store (it held an alert back) ends at the latest: a wake to send its summary.
    var sharedHoldCheck: Date?
    /// When the current drain began: claims taken during it are stamped with its `now` plus the time since.
    private var drainStarted = ContinuousClock.now
    var summaries: [PendingSummary] = []
    private var draining = false
    /// When the next timed batch in the outbox falls due (read after every drain).
    private var nextRelease: Date?

    struct PendingSummary {
        var summary: RateLimitSummary
        /// A hold kept by the store for every daemon: recorded as summarized once sent (or given up).
        var shared = false
        var failures = 0
        var nextAttempt: Date
    }

    private enum Admission {
        case deliver
        case heldBack
        case batch
    }

    /// Each topic's delivery by topic id, for the quiet hours a retry keeps.
    private let deliveries: [String: TopicDelivery]

    init(
        endpoint: ConfiguredSink, store: any Store, policy: SinkRetryPolicy, deliveries: [String: TopicDelivery] = [:],
        logger: Logger, pageSize: Int = defaultPageSize
    ) {
        self.endpoint = endpoint
        self.deliveries = deliveries
        self.store = store
        self.policy = policy
        self.pageSize = pageSize
        var logger = logger
        logger[metadataKey: "sink"] = "\(endpoint.id)"
        logger[metadataKey: "sink_type"] = "\(endpoint.sink.type)"
        self.logger = logger
        limiter = SinkRateLimiter(maxPerHour: endpoint.maxPerHour)
        batcher = endpoint.batchWindow.map { AlertBatcher(window: $0) }
    }

    /// The earliest instant this sink has work of its own (a retry, a batch, a summary); `nil`: none known.
    func nextWake(after now: Date) -> Date? {
        var candidates = retryTimes.filter { $0 > now }
        if let due = batcher?.due { candidates.append(due) }
        if let nextRelease, nextRelease > now { candidates.append(nextRelease) }
        if let due = limiter.nextSummaryDue { candidates.append(due) }
        if let due = sharedHoldCheck { candidates.append(due) }
        candidates += summaries.map(\.nextAttempt)
        return candidates.min()
    }

    /// One drain at `now`.
    /// - Parameter deadline: `run --once`: ignore attempt times and batch windows, send the summaries of holds that
    ///   ended (a hold the store keeps is summarized by the first run after its hour), and give up waiting for an
    ///   attempt at this instant (the attempt is cancelled and counts as failed).
    func drain(at now: Date, deadline: ContinuousClock.Instant? = nil) async -> SinkDrainResult {
        guard !draining else { return SinkDrainResult() }
        draining = true
        drainStarted = ContinuousClock.now
        defer { draining = false }
        var result = SinkDrainResult()
        retryTimes.removeAll { $0 <= now }

        summaries += limiter.dueSummaries(at: now).map { PendingSummary(summary: $0, nextAttempt: now) }
        summaries += await endedSharedHolds(at: now)
        await sendSummaries(at: now, deadline: deadline, into: &result)

        var handled: Set<String> = []
        // Rows this drain recorded failed: they stay pending and, with attempt times ignored, come back.
        var failedHere = 0
        var ignoreAttemptTimes = deadline != nil
        var readAgain = false
        var sinkError: String?
        // The story of the last delivery tried, when it was refused as if for its own content (`mayBeTheMessages`).
        var lastRefusedStory: String?
        // Retries left for the end of their topic's quiet hours; read past, as failed rows are.
        var quietHere = 0
        page: while !Task.isCancelled {
            let due = ignoreAttemptTimes ? nil : now
            let store = store
            let id = endpoint.id
            // Rows this drain recorded failed (with attempt times ignored) and rows held in the open batch (read
            // unclaimed) stay pending and come back, oldest first: read past them, or a batch larger than a page would
            // hide every newer delivery. Delivered rows leave the outbox and do not count: on a shared store every row
            // of a page is claimed at once, and a page must stay small enough to be sent within the claim's lease.
            let size = pageSize + failedHere + quietHere + batched.count
            let page: [PendingDelivery]
            do {
                // A batch is held for its window, which may outlast a claim: read it unclaimed, claim it to send.
                page =
                    batcher == nil
                    ? try await store.pendingDeliveries(sink: id, dueAt: due, limit: size)
                    : try await store.unclaimedDeliveries(sink: id, dueAt: due, limit: size)
            } catch {
                logger.error("cannot read the outbox: \(error)")
                break
            }
            let fresh = page.filter { !handled.contains($0.alert.id) && batched[$0.alert.id] == nil }
            if fresh.isEmpty { break }
            for delivery in fresh {
                if let deadline, ContinuousClock.now >= deadline { break page }
                handled.insert(delivery.alert.id)
                // A retry waits out its topic's quiet hours even when a success here made every owed delivery due
                // (a `high` alert sent at 23:30 must not take a held 22:59 failure with it: review 12).
                if delivery.attempts > 0, quietWindow(for: delivery.alert, containing: now) != nil {
                    quietHere += 1
                    continue
                }
                if let sinkError {
                    await recordFailure(delivery, error: sinkError, at: now, into: &result)
                    failedHere += 1
                    continue
                }
                switch await admit(delivery, at: now) {
                case .heldBack:
                    await markDelivered([delivery.alert.id], at: now)
                    result.heldBack += 1
                    logger.info(
                        "alert held back by max_per_hour",
                        metadata: ["alert": "\(delivery.alert.id)", "topic": "\(delivery.alert.topic)"])
                    continue
                case .batch:
                    batcher?.add(delivery.alert, at: now)
                    batched[delivery.alert.id] = delivery
                    result.batched += 1
                    continue
                case .deliver:
                    break
                }
                // The claim is renewed (or found lost) just before the send: a page's later rows may be sent well after
                // the page was claimed, and another daemon may have taken a row whose claim ran out.
                guard await !claimForSending([delivery.alert], at: sendTime(now)).isEmpty else {
                    continue
                }
                result.attempts += 1
                switch await attempt(.alert(delivery.alert), deadline: deadline) {
                case .success:
                    await markDelivered([delivery.alert.id], at: now)
                    result.delivered += 1
                    lastRefusedStory = nil
                    if !ignoreAttemptTimes {
                        // The sink answers: everything it is owed may go now, backed-off deliveries too — read
                        // again once this page is done (not at once: the rest of the page is claimed and would come
                        // back behind the newer rows, out of order and held in the meantime).
                        ignoreAttemptTimes = true
                        readAgain = true
                    }
                case .failure(let error):
                    if Task.isCancelled {
                        admitted.remove(delivery.alert.id)  // shutdown, not the sink's fault: stays pending as it was
                        break page
                    }
                    await recordFailure(delivery, error: error.description, at: now, into: &result)
                    failedHere += 1
                    // One refused message may be refused for its own content: the next one is tried before the sink
                    // counts as failing, or one such alert, oldest and so first in every drain, would hold the whole
                    // backlog behind it until it is given up (review 12). Two stories in a row refused: the sink is
                    // failing (one story's alerts for two topics are one content refused twice).
                    let story = delivery.alert.story
                    if error.mayBeTheMessages && (lastRefusedStory == nil || lastRefusedStory == story) {
                        lastRefusedStory = story
                        logger.warning(
                            "alert refused by its sink, trying the next: \(error.description)",
                            metadata: ["alert": "\(delivery.alert.id)"])
                    } else {
                        sinkError = error.description
                    }
                }
            }
            if page.count < size && !readAgain { break }
            readAgain = false
        }

        await sendReleased(
            at: now, attemptsDue: !ignoreAttemptTimes, deadline: deadline, sinkError: &sinkError, into: &result)
        nextRelease = await loadNextRelease(after: now)
        await sendBatch(at: now, deadline: deadline, sinkError: sinkError, into: &result)
        if deadline != nil {
            summaries += limiter.dueSummaries(at: .distantFuture).map { PendingSummary(summary: $0, nextAttempt: now) }
            await sendSummaries(at: now, deadline: deadline, into: &result)
        }
        if let sinkError {
            logger.warning(
                "alert sink failing: \(sinkError)",
                metadata: [
                    "failed": "\(result.failed)", "given_up": "\(result.givenUp)",
                    "next_attempt": "\(nextWake(after: now).map(Timestamp.format) ?? "-")",
                ])
        }
        return result
    }

    // MARK: - Steps

    private func admit(_ delivery: PendingDelivery, at now: Date) async -> Admission {
        let alert = delivery.alert
        if !admitted.contains(alert.id) {
            if let fits = await sharedFit(alert, at: now) {
                // The store counts, holds and summarizes (for every daemon that shares it).
                guard fits else {
                    sharedHoldCheck = min(sharedHoldCheck ?? .distantFuture, now.addingTimeInterval(limiter.window))
                    return .heldBack
                }
            } else if limiter.admit(topic: alert.topic, topicName: alert.topicName, title: alert.title, at: now)
                == .holdBack
            {
                return .heldBack
            }
            admitted.insert(alert.id)
        }
        return batcher == nil ? .deliver : .batch
    }

    private func sendBatch(
        at now: Date, deadline: ContinuousClock.Instant?, sinkError: String?, into result: inout SinkDrainResult
    ) async {
        guard var current = batcher else { return }
        let due = deadline != nil ? current.takeAll() : (current.takeDue(at: now) ?? [])
        batcher = current
        guard !due.isEmpty else { return }
        let taken = await claimForSending(due, at: sendTime(now))
        guard !taken.isEmpty else { return }
        let deliveries = taken.compactMap { batched.removeValue(forKey: $0.id) }
        if let sinkError {
            for delivery in deliveries { await recordFailure(delivery, error: sinkError, at: now, into: &result) }
            return
        }
        result.attempts += 1
        switch await attempt(.batch(taken), deadline: deadline) {
        case .success:
            await markDelivered(taken.map(\.id), at: now)
            result.delivered += taken.count
        case .failure(let error):
            guard !Task.isCancelled else { return }
            for delivery in deliveries {
                await recordFailure(delivery, error: error.description, at: now, into: &result)
            }
        }
    }

    private func sendSummaries(at now: Date, deadline: ContinuousClock.Instant?, into result: inout SinkDrainResult)
        async
    {
        var remaining: [PendingSummary] = []
        let pending = summaries
        summaries = []
        for var item in pending {
            guard deadline != nil || item.nextAttempt <= now else {
                remaining.append(item)
                continue
            }
            result.attempts += 1
            switch await attempt(.summary(item.summary), deadline: deadline) {
            case .success:
                result.summaries += 1
                if item.shared { await markSummarized(item.summary, at: now) }
                logger.info(
                    "rate-limit summary sent",
                    metadata: ["topic": "\(item.summary.topic)", "held_back": "\(item.summary.heldBack)"])
            case .failure(let error):
                item.failures += 1
                switch policy.decide(firstAttempt: item.summary.until, failures: item.failures, now: now) {
                case .retry(let at):
                    item.nextAttempt = at
                    remaining.append(item)
                case .giveUp:
                    logger.error(
                        "giving up a rate-limit summary after 24 h: \(error)",
                        metadata: ["topic": "\(item.summary.topic)"])
                    if item.shared { await markSummarized(item.summary, at: now) }
                }
            }
        }
        summaries = remaining + summaries
    }

    func attempt(_ message: SinkMessage, deadline: ContinuousClock.Instant?) async -> Result<Void, AlertSinkError> {
        await SinkAttempt.deliver(message, to: endpoint.sink, deadline: deadline)
    }

    func markDelivered(_ ids: [String], at now: Date) async {
        let store = store
        let sinkID = endpoint.id
        do {
            try await store.markDelivered(alertIDs: ids, sink: sinkID, at: now)
        } catch {
            logger.error("cannot mark alerts delivered: \(error)", metadata: ["alerts": "\(ids.count)"])
        }
        for id in ids { admitted.remove(id) }
    }

    /// Records a failed (or, the sink having just failed, untried) delivery: its next attempt, or giving up.
    func recordFailure(
        _ delivery: PendingDelivery, error: String, at now: Date, into result: inout SinkDrainResult
    ) async {
        let next = nextAttempt(delivery, at: now)
        let store = store
        let sinkID = endpoint.id
        let alertID = delivery.alert.id
        let giveUpAfter = policy.giveUpAfter
        let state: DeliveryState
        do {
            state = try await store.markFailed(
                alertID: alertID, sink: sinkID, at: now, error: error, nextAttempt: next, giveUpAfter: giveUpAfter)
        } catch {
            logger.error("cannot record a failed delivery: \(error)", metadata: ["alert": "\(alertID)"])
            return
        }
        settle(delivery, state: state, next: next, error: error, into: &result)
    }

    /// The quiet-hours window of `alert`'s topic holding `instant`; `nil` outside one, or for a `high` topic.
    func quietWindow(for alert: Alert, containing instant: Date) -> DateInterval? {
        guard alert.priority != .high, let topic = deliveries[alert.topic], let quiet = topic.quietHours else {
            return nil
        }
        return quiet.window(containing: instant, in: topic.timeZone)
    }

    /// When `delivery` is tried again after failing at `now` (`now` itself: give up).
    func nextAttempt(_ delivery: PendingDelivery, at now: Date) -> Date {
        // A batched or held delivery's 24 hours start when it may first go, not at detection.
        let first = delivery.release?.notBefore ?? delivery.alert.detected
        switch policy.decide(firstAttempt: first, failures: delivery.attempts + 1, now: now) {
        case .retry(let at):
            // Quiet hours hold a retry as they held the first attempt: a night's outage must not end in a lone
            // 01:05 message (review 12). A `high` topic is never held.
            return quietWindow(for: delivery.alert, containing: at)?.end ?? at
        case .giveUp: return now
        }
    }

    /// Counts and logs a recorded failure, and remembers its retry time.
    func settle(
        _ delivery: PendingDelivery, state: DeliveryState, next: Date, error: String, into result: inout SinkDrainResult
    ) {
        let alertID = delivery.alert.id
        result.failed += 1
        switch state {
        case .pending:
            retryTimes.append(next)
        case .givenUp:
            result.givenUp += 1
            admitted.remove(alertID)
            logger.error(
                "giving up alert after \(delivery.attempts + 1) failed attempts over 24 h: \(error)",
                metadata: [
                    "alert": "\(alertID)", "topic": "\(delivery.alert.topic)",
                    "detected": "\(Timestamp.format(delivery.alert.detected))",
                ])
        case .delivered:
            admitted.remove(alertID)
        }
    }

    /// `now` (the drain's start, by the daemon's clock) advanced by the time the drain has run: a claim taken for a
    /// send late in a long drain must last its whole lease from the send, not from the drain's start.
    func sendTime(_ now: Date) -> Date {
        now.addingTimeInterval(drainStarted.duration(to: .now).inSeconds)
    }
}
