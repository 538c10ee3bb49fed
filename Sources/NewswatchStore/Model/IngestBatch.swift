import Foundation
import NewswatchCore

/// Everything one successful fetch of one feed brings to the store (see `Store.ingest`).
public struct IngestBatch: Sendable {
    /// The feed this fetch belongs to (key, display name, URL).
    public var feed: FeedDescriptor
    /// When the fetch completed; becomes `first_seen`/`detected` of what this batch makes new.
    public var fetchedAt: Date
    /// The HTTP status of the response (`nil` for `path:` feeds).
    public var httpStatus: Int?
    /// The response's `ETag` and `Last-Modified`, committed with the items.
    public var validators: HTTPValidators
    /// The hash of the response body (`ContentHash.hex(of:)`), so an unchanged body skips parsing next time.
    public var bodyHash: String?
    /// The parsed items in document order, each with its matches.
    public var items: [MatchedItem]
    /// The configured topics (for name, priority and the alert flag of what `matcher` returns).
    public var topics: [TopicDefinition]
    /// The sinks that get a delivery row for each new alert (the file sink must be among them).
    public var sinks: [SinkRoute]
    /// On a feed's first successful fetch only items published within this window before `fetchedAt` alert.
    public var backfill: TimeInterval
    /// The scheduler's decision for the feed's next poll, stored in the same transaction (`nil` keeps the stored
    /// schedule).
    public var schedule: FeedSchedule?
    /// On a store shared by several daemons: the daemon whose lease on the feed this ingest gives back in its
    /// transaction, if it still holds it (`NoChangeRecord.leaseOwner`). `nil`, and on SQLite: no release.
    public var leaseOwner: String?
    /// What the caller left out of `items` (a feed truncated to `daemon.max_items`), stored as the feed's
    /// `FeedState.warning`; `nil` clears it.
    public var warning: String?
    /// Keys, hashes, matches and title words of `items`, made by `prepare()`; `nil` until then.
    var prepared: [IngestTransaction.Incoming]?
    /// Whether two different items of `items` share an id, made by `prepare()`; `nil` until then.
    var preparedGuidReuse: Bool?

    /// A batch of items already matched.
    public init(
        feed: FeedDescriptor, fetchedAt: Date, httpStatus: Int?, validators: HTTPValidators = HTTPValidators(),
        bodyHash: String?, items: [MatchedItem], topics: [TopicDefinition], sinks: [SinkRoute],
        backfill: TimeInterval
    ) {
        self.feed = feed
        self.fetchedAt = fetchedAt
        self.httpStatus = httpStatus
        self.validators = validators
        self.bodyHash = bodyHash
        self.items = items
        self.topics = topics
        self.sinks = sinks
        self.backfill = backfill
    }

    /// A batch whose items are matched now, by `matcher` (the store itself never calls back into the matcher).
    public init(
        feed: FeedDescriptor, fetchedAt: Date, httpStatus: Int?, validators: HTTPValidators = HTTPValidators(),
        bodyHash: String?, items: [ParsedItem], topics: [TopicDefinition], sinks: [SinkRoute],
        backfill: TimeInterval, matcher: (ParsedItem) -> [TopicMatch]
    ) {
        self.init(
            feed: feed, fetchedAt: fetchedAt, httpStatus: httpStatus, validators: validators, bodyHash: bodyHash,
            items: items.map { MatchedItem($0, matches: matcher($0)) }, topics: topics, sinks: sinks,
            backfill: backfill)
    }

    /// Computes everything about the items that needs no database — identifying keys, content hashes, title
    /// words — so that `Store.ingest` only writes. Call it on a worker thread: the store serialises its writes.
    /// `ingest` does it itself if it was not done.
    public mutating func prepare() {
        if prepared == nil { prepared = IngestTransaction.prepare(self) }
        if preparedGuidReuse == nil, let prepared { preparedGuidReuse = IngestTransaction.reusesGuids(prepared) }
    }
}

/// A feed's identity as configured.
public struct FeedDescriptor: Sendable, Hashable {
    /// The feed's key: its URL without user-info, or the `file://` URL of a local file.
    public var key: String
    /// The display name (configured name, else the feed's title, else the key).
    public var name: String
    /// The URL alerts carry as `feed_url`, its user-info redacted (`https://***@host/…`); `nil` for local files.
    public var url: String?

    /// A credential in `key` or `url` is taken out here, so none can reach the state database (CONTRACT §4): the key
    /// loses its user-info, the URL shows it as `***`.
    public init(key: String, name: String, url: String?) {
        self.key = URLRedaction.removingUserInfo(key)
        self.name = name
        self.url = url.map(URLRedaction.redact)
    }
}

/// Conditional-GET validators of a response.
public struct HTTPValidators: Sendable, Hashable {
    public var etag: String?
    public var lastModified: String?

    public init(etag: String? = nil, lastModified: String? = nil) {
        self.etag = etag
        self.lastModified = lastModified
    }
}

/// One sink that receives alerts, optionally only for some topics.
public struct SinkRoute: Sendable, Hashable {
    /// The id the sink reads its deliveries with (`file` for the file sink).
    public var id: String
    /// Topic ids this sink wants; `nil` means every topic.
    public var topics: Set<String>?

    public init(id: String, topics: Set<String>? = nil) {
        self.id = id
        self.topics = topics
    }

    /// The file sink's id; it receives every alert and never gives up.
    public static let fileSinkID = "file"
    /// The route of the file sink.
    public static let file = SinkRoute(id: fileSinkID)

    func wants(topic: String) -> Bool { topics?.contains(topic) ?? true }
}
