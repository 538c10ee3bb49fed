import Foundation
import NewswatchStore

/// How polling one feed ended, for the scheduler and the logs.
public enum PollOutcome: Sendable {
    /// A new body was parsed and ingested.
    case ingested(IngestOutcome, hints: CacheHints)
    /// `304 Not Modified`, or a body identical to the last one (parsing skipped); `state` is the feed's stored
    /// state after recording it (`nil` if the store failed).
    case unchanged(NoChangeRecord.Reason, hints: CacheHints, state: FeedState?)
    /// The fetch or the parse failed; recorded in the store.
    case failed(PollFailure)

    /// Server hints that floor the next poll (RSS `<ttl>`, `Cache-Control: max-age`).
    public struct CacheHints: Sendable, Equatable {
        public var ttlMinutes: Int?
        public var maxAge: Int?
        public init(ttlMinutes: Int? = nil, maxAge: Int? = nil) {
            self.ttlMinutes = ttlMinutes
            self.maxAge = maxAge
        }
    }

    /// The feed's state as the store holds it after this poll, when the poll recorded it (successes only).
    public var stateAfter: FeedState? {
        switch self {
        case .ingested(let result, _): return result.feedState
        case .unchanged(_, _, let state): return state
        case .failed: return nil
        }
    }

    /// The poll's own store write failed (another process holds the database locked, the disk is full): the
    /// scheduler's write would wait and fail the same way.
    public var storeWriteFailed: Bool {
        switch self {
        case .ingested: return false
        case .unchanged(_, _, let state): return state == nil
        case .failed(let failure): return failure.storeUnavailable
        }
    }

    public var isSuccess: Bool {
        if case .failed = self { return false }
        return true
    }
}

/// A failed poll: what went wrong, in one line, and what the scheduler needs to know.
public struct PollFailure: Sendable, Equatable {
    /// Stable kind (`dns`, `connect`, `timeout`, `http_status`, `parse`, `file`, …).
    public var kind: String
    public var message: String
    public var httpStatus: Int?
    public var retryAfter: Date?
    /// A failure that says nothing about the feed itself (DNS, connect): when every feed fails this way at once,
    /// our own network is down and the failures are not charged to the feeds.
    public var isNetworkLevel: Bool
    /// Our store, not the feed, failed: the database is locked by another process or the disk is full. Not the
    /// feed's fault, so neither recorded (the write would fail the same way) nor charged.
    public var storeUnavailable = false

    /// The poll was cancelled (shutdown, reload): says nothing about the feed.
    public var isCancellation: Bool { kind == "cancelled" || kind == "shutdown" }

    public init(kind: String, message: String, httpStatus: Int? = nil, retryAfter: Date? = nil, isNetworkLevel: Bool) {
        self.kind = kind
        self.message = message
        self.httpStatus = httpStatus
        self.retryAfter = retryAfter
        self.isNetworkLevel = isNetworkLevel
    }
}
