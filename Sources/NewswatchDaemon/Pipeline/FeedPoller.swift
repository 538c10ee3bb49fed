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
    /// On a shared store: the daemon whose lease a successful poll's write gives back (in the same statement or
    /// transaction as the outcome); `nil` (one daemon): no lease.
    public var leaseOwner: String?

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

    /// Polls `target` once. `state` is the feed's stored state (validators, last body hash); `conditional: false`
    /// sends no validators (a forced refetch). A successful poll stores the feed's next schedule, asked of
    /// `scheduler`, in the same write as its outcome (one transaction per feed), and the outcome carries the feed's
    /// state after it.
    public func poll(
        _ target: PollTarget, state: FeedState?, conditional: Bool = true, scheduler: FeedScheduler
    ) async -> PollOutcome {
        var log = logger
        log[metadataKey: "feed"] = "\(target.descriptor.name)"
        let started = clock.now()
        let outcome: PollOutcome
        switch target.source {
        case .url(let url):
            log[metadataKey: "url"] = "\(URLRedaction.redact(url))"
            outcome = await pollURL(url, target: target, state: state, conditional: conditional, scheduler: scheduler)
        case .file(let path):
            log[metadataKey: "path"] = "\(path)"
            outcome = await pollFile(path, target: target, state: state, scheduler: scheduler)
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
        case .unchanged(let fetch, let state):
            if state != nil { storeOutage.accepted(logger: logger) }
            log.debug("unchanged", metadata: ["reason": "\(fetch.noChangeReason.rawValue)", "duration_ms": "\(ms)"])
        case .failed(let failure) where failure.isCancellation:
            log.debug("poll cancelled")
        case .failed(let failure) where failure.storeUnavailable:
            storeOutage.refused(failure.message, logger: log, metadata: ["duration_ms": "\(ms)"])
        case .failed(let failure):
            var meta: Logger.Metadata = ["kind": "\(failure.kind.name)", "duration_ms": "\(ms)"]
            if let status = failure.httpStatus { meta["status"] = "\(status)" }
            log.warning("feed failed: \(failure.message)", metadata: meta)
        }
        return outcome
    }

    // MARK: - Sources

    private func pollURL(
        _ url: String, target: PollTarget, state: FeedState?, conditional: Bool, scheduler: FeedScheduler
    ) async -> PollOutcome {
        let sent = conditional ? state : nil
        let request = FeedRequest(url: url, etag: sent?.validators.etag, lastModified: sent?.validators.lastModified)
        let result = await client.fetch(request)
        let now = clock.now()
        switch result {
        case .notModified(let response):
            let validators = HTTPValidators(
                etag: response.etag ?? sent?.validators.etag,
                lastModified: response.lastModified ?? sent?.validators.lastModified)
            return await recordNoChange(
                target, status: response.status, validators: validators, at: now,
                fetch: FeedScheduling.successOutcome(notModified: true, maxAge: response.cacheMaxAge),
                state: state, scheduler: scheduler)
        case .ok(let response):
            let validators = HTTPValidators(etag: response.etag, lastModified: response.lastModified)
            // Relative links resolve against the URL without user-info: a link shows no credential, not even a
            // redacted one (`***@`), and stays clickable.
            let base = URLRedaction.removingUserInfo(response.finalURL)
            return await ingestBody(
                response.body, target: target, state: state, known: sent, baseURL: base, charset: response.charset,
                status: response.status, validators: validators, maxAge: response.cacheMaxAge, at: now,
                scheduler: scheduler)
        case .failed(let error):
            let failure = PollFailure(
                kind: .fetch(error.kind), message: error.message, httpStatus: error.httpStatus,
                retryAfter: error.retryAfter.map { TimeBounds.date(now, adding: $0.delay(from: now)) })
            return .failed(failure)
        }
    }

    private func pollFile(
        _ path: String, target: PollTarget, state: FeedState?, scheduler: FeedScheduler
    ) async -> PollOutcome {
        let data: Data
        let cap = maxFileBytes
        do {
            data = try await Offload.run(on: Offload.workQueue) { try LocalFeedReader.read(path: path, cap: cap) }
        } catch let error as FetchError {
            return .failed(PollFailure(kind: .fetch(error.kind), message: error.message))
        } catch {
            let message = "cannot read \(path): \((error as NSError).localizedDescription)"
            return .failed(PollFailure(kind: .file, message: message))
        }
        return await ingestBody(
            data, target: target, state: state, known: state, baseURL: nil, charset: nil, status: nil,
            validators: HTTPValidators(),
            maxAge: nil, at: clock.now(), scheduler: scheduler)
    }

    // MARK: - Steps

    /// Parses, matches and ingests a fetched body, unless it is the body of the last ingest. `state` is the
    /// feed's stored state (scheduling); `known` the one whose body hash is compared (`nil`: a forced refetch).
    private func ingestBody(
        _ body: Data, target: PollTarget, state: FeedState?, known: FeedState?, baseURL: String?, charset: String?,
        status: Int?, validators: HTTPValidators, maxAge: Int?, at now: Date, scheduler: FeedScheduler
    ) async -> PollOutcome {
        let hash = ContentHash.hex(of: body)
        if let known, known.bodyHash == hash, known.firstSuccess != nil {
            let ttlMinutes = known.schedule.ttlFloor.map { TimeBounds.int($0 / 60) }
            return await recordNoChange(
                target, status: status, validators: validators, at: now,
                fetch: FeedScheduling.successOutcome(notModified: false, ttlMinutes: ttlMinutes, maxAge: maxAge),
                state: state, scheduler: scheduler)
        }
        let parsed: ParsedFeed
        var batch: IngestBatch
        do {
            // Parse, match and key every item on the work queue (both cores); the store's writer only writes.
            (parsed, batch) = try await Offload.run(on: Offload.workQueue) { [self] in
                let parsed = try FeedParser.parse(body, baseURL: baseURL, httpCharset: charset)
                // Only the newest `max_items` are matched and stored: a feed cannot flood alerts or the store.
                let (items, warning) = ItemLimit.newest(parsed.items, limit: maxItems)
                var batch = IngestBatch(
                    feed: target.descriptor, fetchedAt: now, httpStatus: status, validators: validators,
                    bodyHash: hash, items: match(items, of: target), topics: matcher.topics, sinks: sinks,
                    backfill: backfill)
                batch.warning = warning
                batch.leaseOwner = leaseOwner
                batch.prepare()
                return (parsed, batch)
            }
        } catch {
            return .failed(PollFailure(kind: .parse, message: "\(error)", httpStatus: status))
        }
        let fetch = FeedScheduling.successOutcome(notModified: false, ttlMinutes: parsed.ttlMinutes, maxAge: maxAge)
        let next = scheduler.schedule(target, success: fetch, state: state, now: now)
        batch.schedule = next
        for warning in parsed.warnings.prefix(3) {
            logger.notice("feed recovered: \(warning)", metadata: ["feed": "\(target.descriptor.name)"])
        }
        if let warning = batch.warning {
            logger.warning("feed \(warning)", metadata: ["feed": "\(target.descriptor.name)"])
        }
        do {
            var result = try await store.ingest(batch)
            // The store keeps whole seconds; the scheduler goes on with the exact times it chose.
            result.feedState?.schedule = next
            return .ingested(result, fetch: fetch)
        } catch {
            // A store failure is ours, not the feed's; it is still recorded so status shows it, unless the store
            // cannot take writes at all (locked by another process, disk full).
            var failure = PollFailure(kind: .store, message: "\(error)", httpStatus: status)
            if let error = error as? StoreError, [.locked, .full].contains(error.kind) {
                failure.storeUnavailable = true
            }
            return .failed(failure)
        }
    }

    /// What the topics find in each item, with the feed's name and tags (what `feeds = [...]` selects).
    private func match(_ items: [ParsedItem], of target: PollTarget) -> [MatchedItem] {
        items.map { item in
            MatchedItem(
                item,
                matches: matcher.match(MatchableItem(item, feedName: target.descriptor.name, feedTags: target.tags)))
        }
    }

    private func recordNoChange(
        _ target: PollTarget, status: Int?, validators: HTTPValidators, at now: Date, fetch: FetchOutcome,
        state: FeedState?, scheduler: FeedScheduler
    ) async -> PollOutcome {
        let next = scheduler.schedule(target, success: fetch, state: state, now: now)
        let record = NoChangeRecord(
            key: target.descriptor.key, at: now, reason: fetch.noChangeReason, httpStatus: status,
            validators: validators,
            schedule: next, leaseOwner: leaseOwner)
        let store = self.store
        do {
            var after = try await store.recordNoChange(record)
            // The store keeps whole seconds; the scheduler goes on with the exact times it chose.
            after.schedule = next
            return .unchanged(fetch: fetch, state: after)
        } catch {
            logger.error("store: cannot record fetch: \(error)", metadata: ["feed": "\(target.descriptor.name)"])
            return .unchanged(fetch: fetch, state: nil)
        }
    }

    /// Records a failed poll. `charged: false` when our own network is down: the feed is not to blame.
    /// Cancelled polls (shutdown, reload) are not failures of the feed and are not recorded.
    public func record(_ failure: PollFailure, for target: PollTarget, charged: Bool, at now: Date) async {
        guard !failure.isCancellation, !failure.storeUnavailable else { return }
        let record = FeedFailure(
            key: target.descriptor.key, at: now, kind: failure.kind.name, message: failure.message,
            httpStatus: failure.httpStatus, retryAfter: failure.retryAfter, charged: charged)
        let store = self.store
        do {
            _ = try await store.recordFailure(record)
        } catch {
            logger.error("store: cannot record failure: \(error)", metadata: ["feed": "\(target.descriptor.name)"])
        }
    }
}
