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
    /// The parsed items in document order.
    public var items: [ParsedItem]
    /// The configured topics (for name, priority and the alert flag of what `matcher` returns).
    public var topics: [TopicDefinition]
    /// The sinks that get a delivery row for each new alert (the file sink must be among them).
    public var sinks: [SinkRoute]
    /// On a feed's first successful fetch only items published within this window before `fetchedAt` alert.
    public var backfill: TimeInterval
    /// Matches one item against the topics that apply to this feed. Called only for new and changed items.
    public var matcher: @Sendable (ParsedItem) -> [TopicMatch]
    /// The scheduler's decision for the feed's next poll, stored in the same transaction (`nil` keeps the stored
    /// schedule).
    public var schedule: FeedSchedule?
    /// What the caller left out of `items` (a feed truncated to `daemon.max_items`), stored as the feed's
    /// `FeedState.warning`; `nil` clears it.
    public var warning: String?
    /// Keys, hashes, matches and title words of `items`, made by `prepare()`; `nil` until then.
    var prepared: [IngestTransaction.Incoming]?

    public init(
        feed: FeedDescriptor, fetchedAt: Date, httpStatus: Int?, validators: HTTPValidators = HTTPValidators(),
        bodyHash: String?, items: [ParsedItem], topics: [TopicDefinition], sinks: [SinkRoute],
        backfill: TimeInterval, matcher: @escaping @Sendable (ParsedItem) -> [TopicMatch]
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
        self.matcher = matcher
    }

    /// Computes everything about the items that needs no database — identifying keys, content hashes, every
    /// item's matches, title words — so that `Store.ingest` only writes. Call it on a worker thread: the store
    /// serialises its writes, and this is most of an ingest's CPU time. `ingest` does it itself if it was not done.
    /// Matching runs for every item here (the store matches only new and changed items otherwise): the matcher
    /// is pure, so the result is the same, and matching is cheap next to parsing.
    public mutating func prepare() {
        if prepared == nil { prepared = IngestTransaction.prepare(self) }
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
