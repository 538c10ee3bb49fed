import Foundation

/// Everything the store knows about one feed's fetching (for the scheduler, the daemon and `status`).
public struct FeedState: Sendable, Equatable {
    public var key: String
    public var name: String
    public var url: String?
    /// `false` once the feed is no longer configured.
    public var active: Bool
    public var validators: HTTPValidators
    /// Hash of the last parsed body; a body with the same hash need not be parsed again.
    public var bodyHash: String?
    /// The last fetch attempt of any outcome.
    public var lastFetch: Date?
    /// The last fetch that succeeded (200 parsed, 304, or unchanged body).
    public var lastSuccess: Date?
    /// The first successful fetch; `nil` means the next success is the feed's first (backfill rules apply).
    public var firstSuccess: Date?
    /// The last fetch that brought at least one new item.
    public var lastNewItem: Date?
    public var httpStatus: Int?
    /// The kind of the last error (free-form, set by the caller, e.g. `http`, `network`, `parse`); `nil` when healthy.
    public var errorKind: String?
    /// The last error message; `nil` when the last fetch succeeded.
    public var error: String?
    public var consecutiveFailures: Int
    /// The scheduler's decisions.
    public var schedule: FeedSchedule
    /// What the last ingest left out (`IngestBatch.warning`, e.g. a truncated feed); `nil` when nothing was.
    public var warning: String?

    public init(
        key: String, name: String, url: String?, active: Bool, validators: HTTPValidators, bodyHash: String?,
        lastFetch: Date?, lastSuccess: Date?, firstSuccess: Date?, lastNewItem: Date?, httpStatus: Int?,
        errorKind: String?, error: String?, consecutiveFailures: Int, schedule: FeedSchedule, warning: String? = nil
    ) {
        self.key = key
        self.name = name
        self.url = url
        self.active = active
        self.validators = validators
        self.bodyHash = bodyHash
        self.lastFetch = lastFetch
        self.lastSuccess = lastSuccess
        self.firstSuccess = firstSuccess
        self.lastNewItem = lastNewItem
        self.httpStatus = httpStatus
        self.errorKind = errorKind
        self.error = error
        self.consecutiveFailures = consecutiveFailures
        self.schedule = schedule
        self.warning = warning
    }
}

/// The scheduler's per-feed decisions, stored so they survive restarts.
public struct FeedSchedule: Sendable, Equatable {
    /// When the feed should be fetched next.
    public var nextDue: Date?
    /// A server's `Retry-After`: no fetch before this instant.
    public var retryAfter: Date?
    /// RSS `<ttl>` as a floor for the poll interval, in seconds.
    public var ttlFloor: TimeInterval?
    /// `Cache-Control: max-age` as a floor for the poll interval, in seconds.
    public var maxAgeFloor: TimeInterval?

    public init(
        nextDue: Date? = nil, retryAfter: Date? = nil, ttlFloor: TimeInterval? = nil, maxAgeFloor: TimeInterval? = nil
    ) {
        self.nextDue = nextDue
        self.retryAfter = retryAfter
        self.ttlFloor = ttlFloor
        self.maxAgeFloor = maxAgeFloor
    }
}

/// A fetch that brought nothing to parse.
public struct NoChangeRecord: Sendable, Equatable {
    public enum Reason: String, Sendable {
        /// The server answered `304 Not Modified`.
        case notModified = "not_modified"
        /// The server sent a body whose hash equals the stored `bodyHash`.
        case bodyUnchanged = "body_unchanged"
    }

    public var key: String
    public var at: Date
    public var reason: Reason
    /// The response status (304, or 200 for an unchanged body).
    public var httpStatus: Int?
    /// New validators if the response carried any; `nil` keeps the stored ones.
    public var validators: HTTPValidators?
    /// The scheduler's decision for the feed's next poll, stored in the same write (`nil` keeps the stored one).
    public var schedule: FeedSchedule?
    /// On a store shared by several daemons: the daemon whose lease on the feed this write gives back, if it still
    /// holds it (the record and the release commit together: a daemon that dies before recording leaves its lease to
    /// expire). `nil`, and on SQLite (no leases): no release.
    public var leaseOwner: String?

    public init(
        key: String, at: Date, reason: Reason, httpStatus: Int?, validators: HTTPValidators? = nil,
        schedule: FeedSchedule? = nil, leaseOwner: String? = nil
    ) {
        self.key = key
        self.at = at
        self.reason = reason
        self.httpStatus = httpStatus
        self.validators = validators
        self.schedule = schedule
        self.leaseOwner = leaseOwner
    }
}

/// A failed fetch.
public struct FeedFailure: Sendable, Equatable {
    public var key: String
    public var at: Date
    /// A short machine-readable class of failure chosen by the caller (`network`, `http`, `parse`, `too_large`, …).
    public var kind: String
    /// One line for humans.
    public var message: String
    public var httpStatus: Int?
    /// A server's `Retry-After`, stored into the feed's schedule.
    public var retryAfter: Date?
    /// `false` when the failure is not the feed's fault (our own network is down): recorded, not counted.
    public var charged: Bool

    public init(
        key: String, at: Date, kind: String, message: String, httpStatus: Int? = nil, retryAfter: Date? = nil,
        charged: Bool = true
    ) {
        self.key = key
        self.at = at
        self.kind = kind
        self.message = message
        self.httpStatus = httpStatus
        self.retryAfter = retryAfter
        self.charged = charged
    }
}
