import Foundation
import Logging
import NewswatchConfig
import NewswatchCore
import NewswatchFetch
import NewswatchMatch
import NewswatchParse
import NewswatchStore
import NewswatchSystem

/// Polls one feed: fetch (conditional GET) → skip if unchanged → parse → match → ingest in one transaction.
///
/// Every outcome is recorded in the store before `poll` returns, so the feed's state on disk always says what the
/// last poll saw. Failures stay with their feed: they are logged in one line and returned, never thrown.
public struct FeedPoller: Sendable {
    public var store: any Store
    public var client: HTTPClient
    public var matcher: TopicMatcher
    public var sinks: [SinkRoute]
    /// On a feed's first successful fetch, only items published within this many seconds alert.
    public var backfill: Double
    public var clock: any NewswatchClock
    public var logger: Logger
    /// Says once, for all feeds, that the store refuses writes.
    public var storeOutage: StoreOutageLog
    /// The most items one poll ingests (`daemon.max_items`): the newest, the rest left out with a warning.
    public var maxItems: Int
    /// The byte cap of a `path =` feed's file (`daemon.max_body`, as for HTTP bodies).
    public var maxFileBytes: Int
    /// Where each poll's result and duration are recorded (CONTRACT §11).
    public var metrics = NewswatchMetrics.shared

    public init(
        store: any Store, client: HTTPClient, matcher: TopicMatcher, sinks: [SinkRoute], backfill: Double,
        clock: any NewswatchClock, logger: Logger, storeOutage: StoreOutageLog = StoreOutageLog(),
        maxItems: Int = DaemonSettings.defaultMaxItems, maxFileBytes: Int? = nil
    ) {
        self.storeOutage = storeOutage
        self.store = store
        self.client = client
        self.matcher = matcher
        self.sinks = sinks
        self.backfill = backfill
        self.clock = clock
        self.logger = logger
        self.maxItems = maxItems
        self.maxFileBytes = maxFileBytes ?? client.configuration.maxBodyBytes
    }

    /// How the caller schedules a feed after a successful poll: the schedule is stored in the same write as the
    /// poll's outcome (one transaction per feed, where the all-304 round needed three).
    public typealias SuccessSchedule = @Sendable (FetchOutcome, Date) -> FeedSchedule

    /// Polls `target` once. `state` is the feed's stored state (validators, last body hash); `conditional: false`
    /// sends no validators (a forced refetch). A successful poll stores the feed's next schedule from `schedule`
    /// too, and the outcome carries the feed's state after it.
    public func poll(
        _ target: PollTarget, state: FeedState?, conditional: Bool = true, schedule: SuccessSchedule
    ) async -> PollOutcome {
        var log = logger
        log[metadataKey: "feed"] = "\(target.descriptor.name)"
        let started = clock.now()
        let outcome: PollOutcome
        switch target.source {
        case .url(let url):
            log[metadataKey: "url"] = "\(URLRedaction.redact(url))"
            outcome = await pollURL(
                url, target: target, state: conditional ? state : nil, schedule: schedule, logger: log)
        case .file(let path):
            log[metadataKey: "path"] = "\(path)"
            outcome = await pollFile(path, target: target, state: state, schedule: schedule, logger: log)
        }
        let ms = Int(clock.now().timeIntervalSince(started) * 1000)
        metrics.polled(outcome, seconds: clock.now().timeIntervalSince(started))
        switch outcome {
        case .ingested(let result, _):
            storeOutage.accepted(logger: logger)
            log.info(
                "fetched",
                metadata: [
                    "new": "\(result.newItems)", "updated": "\(result.updatedItems)",
                    "alerts": "\(result.alerts.count)", "duration_ms": "\(ms)",
                ])
        case .unchanged(let reason, _, let state):
            if state != nil { storeOutage.accepted(logger: logger) }
            log.debug("unchanged", metadata: ["reason": "\(reason.rawValue)", "duration_ms": "\(ms)"])
        case .failed(let failure) where failure.isCancellation:
            log.debug("poll cancelled")
        case .failed(let failure) where failure.storeUnavailable:
            storeOutage.refused(failure.message, logger: log, metadata: ["duration_ms": "\(ms)"])
        case .failed(let failure):
            var meta: Logger.Metadata = ["kind": "\(failure.kind)", "duration_ms": "\(ms)"]
            if let status = failure.httpStatus { meta["status"] = "\(status)" }
            log.warning("feed failed: \(failure.message)", metadata: meta)
        }
        return outcome
    }

    // MARK: - Sources

    private func pollURL(
        _ url: String, target: PollTarget, state: FeedState?, schedule: SuccessSchedule, logger: Logger
    ) async -> PollOutcome {
        let request = FeedRequest(url: url, etag: state?.validators.etag, lastModified: state?.validators.lastModified)
        let result = await client.fetch(request)
        let now = clock.now()
        switch result {
        case .notModified(let response):
            let validators = HTTPValidators(
                etag: response.etag ?? state?.validators.etag,
                lastModified: response.lastModified ?? state?.validators.lastModified)
            return await recordNoChange(
                target, reason: .notModified, status: response.status, validators: validators, at: now,
                hints: .init(maxAge: response.cacheMaxAge), schedule: schedule)
        case .ok(let response):
            let validators = HTTPValidators(etag: response.etag, lastModified: response.lastModified)
            // Relative links resolve against the URL without user-info: a link shows no credential, not even a
            // redacted one (`***@`), and stays clickable.
            let base = URLRedaction.removingUserInfo(response.finalURL)
            return await ingestBody(
                response.body, target: target, state: state, baseURL: base, charset: response.charset,
                status: response.status, validators: validators, maxAge: response.cacheMaxAge, at: now,
                schedule: schedule)
        case .failed(let error):
            let failure = PollFailure(
                kind: error.kind.rawValue, message: error.message, httpStatus: error.httpStatus,
                retryAfter: error.retryAfter.map { TimeBounds.date(now, adding: $0.delay(from: now)) },
                isNetworkLevel: [.dns, .connect, .network].contains(error.kind))
            return .failed(failure)
        }
    }

    private func pollFile(
        _ path: String, target: PollTarget, state: FeedState?, schedule: SuccessSchedule, logger: Logger
    ) async -> PollOutcome {
        let data: Data
        let cap = maxFileBytes
        do {
            data = try await Offload.run(on: Offload.workQueue) { try LocalFeedReader.read(path: path, cap: cap) }
        } catch let error as FetchError {
            return .failed(PollFailure(kind: error.kind.rawValue, message: error.message, isNetworkLevel: false))
        } catch {
            let message = "cannot read \(path): \((error as NSError).localizedDescription)"
            return .failed(PollFailure(kind: "file", message: message, isNetworkLevel: false))
        }
        return await ingestBody(
            data, target: target, state: state, baseURL: nil, charset: nil, status: nil, validators: HTTPValidators(),
            maxAge: nil, at: clock.now(), schedule: schedule)
    }

    // MARK: - Steps

    private func ingestBody(
        _ body: Data, target: PollTarget, state: FeedState?, baseURL: String?, charset: String?, status: Int?,
        validators: HTTPValidators, maxAge: Int?, at now: Date, schedule: SuccessSchedule
    ) async -> PollOutcome {
        let hash = ContentHash.hex(of: body)
        if let state, state.bodyHash == hash, state.firstSuccess != nil {
            return await recordNoChange(
                target, reason: .bodyUnchanged, status: status, validators: validators, at: now,
                hints: .init(ttlMinutes: state.schedule.ttlFloor.map { TimeBounds.int($0 / 60) }, maxAge: maxAge),
                schedule: schedule)
        }
        let matcher = self.matcher
        let feedName = target.descriptor.name
        let tags = target.tags
        let sinks = self.sinks
        let backfill = self.backfill
        let maxItems = self.maxItems
        let parsed: ParsedFeed
        var batch: IngestBatch
        do {
            // Parse, match and key every item on the work queue (both cores); the store's serial queue only writes.
            (parsed, batch) = try await Offload.run(on: Offload.workQueue) {
                let parsed = try Self.parse(body, baseURL: baseURL, charset: charset)
                // Only the newest `max_items` are matched and stored: a feed cannot flood alerts or the store.
                let (items, warning) = ItemLimit.newest(parsed.items, limit: maxItems)
                var batch = IngestBatch(
                    feed: target.descriptor, fetchedAt: now, httpStatus: status, validators: validators,
                    bodyHash: hash, items: items, topics: matcher.topics, sinks: sinks, backfill: backfill,
                    matcher: { item in matcher.match(MatchableItem(item, feedName: feedName, feedTags: tags)) })
                batch.warning = warning
                batch.prepare()
                return (parsed, batch)
            }
        } catch {
            return .failed(PollFailure(kind: "parse", message: "\(error)", httpStatus: status, isNetworkLevel: false))
        }
        let hints = PollOutcome.CacheHints(ttlMinutes: parsed.ttlMinutes, maxAge: maxAge)
        let next = schedule(FeedScheduling.successOutcome(notModified: false, hints: hints), now)
        batch.schedule = next
        for warning in parsed.warnings.prefix(3) {
            logger.notice("feed recovered: \(warning)", metadata: ["feed": "\(target.descriptor.name)"])
        }
        if let warning = batch.warning {
            logger.warning("feed \(warning)", metadata: ["feed": "\(target.descriptor.name)"])
        }
        do {
            let store = self.store
            let box = BatchBox(batch)
            defer {
                // Let the batch (every item, key and match: many small allocations) go off the store's serial queue,
                // the cold round's bottleneck: its closure only borrows it from the box.
                Offload.workQueue.async { box.batch = nil }
            }
            var result = try await Offload.run(on: Offload.storeQueue) {
                guard let batch = box.batch else { throw CancellationError() }
                return try store.ingest(batch)
            }
            // The store keeps whole seconds; the scheduler goes on with the exact times it chose.
            result.feedState?.schedule = next
            return .ingested(result, hints: hints)
        } catch {
            // A store failure is ours, not the feed's; it is still recorded so status shows it, unless the store
            // cannot take writes at all (locked by another process, disk full).
            var failure = PollFailure(kind: "store", message: "\(error)", httpStatus: status, isNetworkLevel: false)
            if let error = error as? StoreError, [.locked, .full].contains(error.kind) {
                failure.storeUnavailable = true
            }
            return .failed(failure)
        }
    }

    private static func parse(_ body: Data, baseURL: String?, charset: String?) throws -> ParsedFeed {
        try FeedParser.parse(body, baseURL: baseURL, httpCharset: charset)
    }

    private func recordNoChange(
        _ target: PollTarget, reason: NoChangeRecord.Reason, status: Int?, validators: HTTPValidators, at now: Date,
        hints: PollOutcome.CacheHints, schedule: SuccessSchedule
    ) async -> PollOutcome {
        let next = schedule(FeedScheduling.successOutcome(notModified: reason == .notModified, hints: hints), now)
        let record = NoChangeRecord(
            key: target.descriptor.key, at: now, reason: reason, httpStatus: status, validators: validators,
            schedule: next)
        let store = self.store
        do {
            var after = try await Offload.run(on: Offload.storeQueue) { try store.recordNoChange(record) }
            // The store keeps whole seconds; the scheduler goes on with the exact times it chose.
            after.schedule = next
            return .unchanged(reason, hints: hints, state: after)
        } catch {
            logger.error("store: cannot record fetch: \(error)", metadata: ["feed": "\(target.descriptor.name)"])
            return .unchanged(reason, hints: hints, state: nil)
        }
    }

    /// Records a failed poll. `charged: false` when our own network is down: the feed is not to blame.
    /// Cancelled polls (shutdown, reload) are not failures of the feed and are not recorded.
    public func record(_ failure: PollFailure, for target: PollTarget, charged: Bool, at now: Date) async {
        guard !failure.isCancellation, !failure.storeUnavailable else { return }
        let record = FeedFailure(
            key: target.descriptor.key, at: now, kind: failure.kind, message: failure.message,
            httpStatus: failure.httpStatus, retryAfter: failure.retryAfter, charged: charged)
        let store = self.store
        do {
            _ = try await Offload.run(on: Offload.storeQueue) { try store.recordFailure(record) }
        } catch {
            logger.error("store: cannot record failure: \(error)", metadata: ["feed": "\(target.descriptor.name)"])
        }
    }
}

/// Holds an ingest batch so that the thread that lets it go is chosen, not whichever releases the last reference.
private final class BatchBox: @unchecked Sendable {
    // Written once after the store is done with it (ordered after the read by the await in between).
    var batch: IngestBatch?

    init(_ batch: IngestBatch) { self.batch = batch }
}
