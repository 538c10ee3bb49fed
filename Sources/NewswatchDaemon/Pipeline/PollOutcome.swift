import Foundation
import NewswatchFetch
import NewswatchStore

/// How polling one feed ended, for the scheduler and the logs.
public enum PollOutcome: Sendable {
    /// A new body was parsed and ingested; `fetch` is the answer as the scheduler sees it (200, its hints).
    case ingested(IngestOutcome, fetch: FetchOutcome)
    /// `304 Not Modified` (`fetch.result == .notModified`), or a body identical to the last one (parsing skipped);
    /// `state` is the feed's stored state after recording it (`nil` if the store failed).
    case unchanged(fetch: FetchOutcome, state: FeedState?)
    /// The fetch or the parse failed; recorded in the store.
    case failed(PollFailure)

    /// The feed's state as the store holds it after this poll, when the poll recorded it (successes only).
    public var stateAfter: FeedState? {
        switch self {
        case .ingested(let result, _): return result.feedState
        case .unchanged(_, let state): return state
        case .failed: return nil
        }
    }

    /// The poll's own store write failed (another process holds the database locked, the disk is full): the
    /// scheduler's write would wait and fail the same way.
    public var storeWriteFailed: Bool {
        switch self {
        case .ingested: return false
        case .unchanged(_, let state): return state == nil
        case .failed(let failure): return failure.storeUnavailable
        }
    }

    /// Whether the feed answered usefully (a body, `304`, or an unchanged body).
    public var isSuccess: Bool {
        if case .failed = self { return false }
        return true
    }
}

/// A failed poll: what went wrong, in one line, and what the scheduler needs to know.
public struct PollFailure: Sendable, Equatable {
    /// Which step failed, typed from the fetch to the scheduler; `name` is the one string made of it.
    public enum Kind: Sendable, Equatable {
        /// The fetcher's classified failure (HTTP, or a local file over the size cap).
        case fetch(FetchError.Kind)
        /// A local feed file could not be read.
        case file
        /// The body is no usable feed.
        case parse
        /// Our store refused the poll's write.
        case store

        /// The stable name stored with the failure and logged (`dns`, `httpStatus`, `parse`, `file`, `store`, …).
        public var name: String {
            switch self {
            case .fetch(let kind): kind.rawValue
            case .file: "file"
            case .parse: "parse"
            case .store: "store"
            }
        }
    }

    /// What failed.
    public var kind: Kind
    /// One line for humans.
    public var message: String
    /// The HTTP status of the failing answer, if there was one.
    public var httpStatus: Int?
    /// A server's `Retry-After`, as an instant.
    public var retryAfter: Date?
    /// Our store, not the feed, failed: the database is locked by another process or the disk is full. Not the
    /// feed's fault, so neither recorded (the write would fail the same way) nor charged.
    public var storeUnavailable = false

    /// A failure that says nothing about the feed itself (DNS, connect): when every feed fails this way at once,
    /// our own network is down and the failures are not charged to the feeds.
    public var isNetworkLevel: Bool {
        switch kind {
        case .fetch(.dns), .fetch(.connect), .fetch(.network): true
        default: false
        }
    }

    /// The poll was cancelled (shutdown, reload): says nothing about the feed.
    public var isCancellation: Bool { kind == .fetch(.cancelled) || kind == .fetch(.shutdown) }

    /// A failure of `kind`.
    public init(kind: Kind, message: String, httpStatus: Int? = nil, retryAfter: Date? = nil) {
        self.kind = kind
        self.message = message
        self.httpStatus = httpStatus
        self.retryAfter = retryAfter
    }
}

extension FetchOutcome {
    /// Why a successful poll brought nothing to parse: `304`, or else a body equal to the last one.
    var noChangeReason: NoChangeRecord.Reason { result == .notModified ? .notModified : .bodyUnchanged }
}
