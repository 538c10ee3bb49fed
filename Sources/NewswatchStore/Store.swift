import Foundation
import NewswatchCore

/// The daemon's persistent state: feeds, items, stories, matches and the alert outbox.
///
/// Two implementations: `SQLiteStore` (one daemon; its synchronous methods satisfy the protocol as they are, and the
/// daemon wraps it in `OffloadedStore` so they block a Dispatch queue, not the cooperative pool) and `PostgresStore`
/// (several daemons, CONTRACT §9). Every method is thread-safe and awaited; writes are serialised or made safe by
/// the implementation. All times are UTC instants passed in by the caller (never read from the wall clock here),
/// stored with one-second resolution (fractions are dropped).
public protocol Store: DigestStore, OperatorEventStore, SinkSharingStore {
    // MARK: Ingest

    /// Records one successfully fetched and parsed feed in ONE write transaction: feed state, validators and body
    /// hash, new items, updates, story assignment, matches, alerts and their delivery rows commit together, so a
    /// crash at any instant neither loses nor doubles an alert. Plain values in (items already matched), counts,
    /// alerts and the feed's state out.
    func ingest(_ batch: IngestBatch) async throws -> IngestOutcome

    // MARK: Feed state (scheduler, daemon, status)

    /// Makes the configured feed set known: inserts or renames each feed, marks every other feed inactive.
    /// Inactive feeds keep their items (so re-adding one does not make its items new) until retention prunes them.
    func syncFeeds(_ feeds: [FeedDescriptor], at time: Date) async throws

    // `feedStates(includeInactive:)` is inherited from `DigestStore`.

    /// The state of one feed, `nil` if the store has never heard of it.
    func feedState(key: String) async throws -> FeedState?

    /// Records a fetch that brought nothing new to parse: `304 Not Modified`, or a body whose hash equals the
    /// stored one, with the next schedule if the record carries one. Counts as a success (clears the error and the
    /// failure count). Returns the feed's state after the write.
    @discardableResult
    func recordNoChange(_ record: NoChangeRecord) async throws -> FeedState

    /// Records a failed fetch (network, HTTP status ≥ 400, unusable body) and appends a fetch event.
    /// Returns the feed's state after the failure (with the new `consecutiveFailures`).
    @discardableResult
    func recordFailure(_ failure: FeedFailure) async throws -> FeedState

    /// Stores the scheduler's decisions for a feed (next due time, backoff, floors).
    func setSchedule(key: String, _ schedule: FeedSchedule) async throws

    // MARK: Alert outbox (sinks)

    /// Deliveries owed to `sink`, oldest alert first; only those whose next attempt is due at `now`
    /// (pass `nil` to ignore attempt times, e.g. for `run --once`).
    func pendingDeliveries(sink: String, dueAt now: Date?, limit: Int) async throws -> [PendingDelivery]

    /// Marks alerts delivered to `sink`. Unknown or already finished deliveries are ignored (idempotent).
    func markDelivered(alertIDs: [String], sink: String, at time: Date) async throws

    /// Records a failed delivery attempt: schedules `nextAttempt`, or gives up when `time` is at least
    /// `giveUpAfter` past the alert's detection, or past its `not_before` for a batched or held delivery (the file sink
    /// passes `nil`: it never gives up).
    @discardableResult
    func markFailed(
        alertID: String, sink: String, at time: Date, error: String, nextAttempt: Date, giveUpAfter: TimeInterval?
    ) async throws -> DeliveryState

    /// Records one failed attempt of several deliveries to `sink` (a topic batch) in ONE transaction, each as
    /// ``markFailed(alertID:sink:at:error:nextAttempt:giveUpAfter:)`` would; the states in the order given.
    @discardableResult
    func markFailed(
        _ failures: [(alertID: String, nextAttempt: Date)], sink: String, at time: Date, error: String,
        giveUpAfter: TimeInterval?
    ) async throws -> [DeliveryState]

    /// Pending and given-up delivery counts per sink (for `status`).
    func sinkSummaries() async throws -> [SinkSummary]

    /// Timed deliveries (batch periods, quiet hours) owed to `sink` whose time has come at `now`, by release instant,
    /// topic and alert; `attemptsDue`: only those whose next attempt is due too. ``pendingDeliveries(sink:dueAt:limit:)``
    /// never returns these: a batch goes whole (CONTRACT §10).
    func releasedDeliveries(sink: String, at now: Date, attemptsDue: Bool, limit: Int) async throws -> [PendingDelivery]

    /// What each sink holds back at `now` (quiet hours, open batches) and when its next batch goes (for `status`).
    func deliveryTimings(at now: Date) async throws -> [SinkTiming]

    /// When `sink`'s next timed delivery falls due after `now` (one indexed lookup, for every drain); `nil`: none.
    func nextRelease(sink: String, after now: Date) async throws -> Date?

    /// Checks every topic with a `spike_factor` at `now` and creates a `spike` alert (with its delivery rows to
    /// `sinks`) for each that spikes and has not spiked in the last 6 hours; returns the alerts created.
    func raiseSpikes(topics: [TopicDefinition], sinks: [SinkRoute], now: Date) async throws -> [Alert]

    // MARK: Queries (status; the digest's are in `DigestStore`)

    /// Number of stored items per feed key.
    func itemCounts() async throws -> [String: Int]

    /// Totals for `status`: feeds, failing feeds, items, alerts detected since `alertsSince`.
    func totals(alertsSince: Date) async throws -> StoreTotals

    // MARK: Tuning (`match --stored`, `feedback`, `eval --feedback`)

    /// Items first seen in `[from, to)` with the text the matcher read and their first-seen topics, oldest first.
    func storedItems(firstSeenFrom from: Date, to: Date) async throws -> [StoredItem]

    /// Records a desk's verdict on an alert, replacing an earlier one; throws `notFound` for an unknown alert id.
    func recordVerdict(_ verdict: Verdict) async throws

    /// Verdicts per alert topic, by topic id.
    func verdictCounts() async throws -> [VerdictCount]

    /// Every judged alert detected at or after `from`, oldest first, with its stored item.
    func judgedAlerts(detectedFrom from: Date) async throws -> [JudgedAlert]

    // MARK: Retention

    /// Deletes, in small transactions, items that left their feed more than `retention` ago (with their matches),
    /// stories left without items, fetch events older than `retention`, and finished outbox rows older than
    /// `retention`. Keys that recognise an item stay until then, so pruning never makes an old item new.
    @discardableResult
    func prune(now: Date, retention: TimeInterval, batchSize: Int) async throws -> PruneOutcome
}
