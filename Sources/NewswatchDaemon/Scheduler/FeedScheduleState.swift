import Foundation

/// A feed's scheduling state: when it is next due and how it has been failing. Persisted by the store.
public struct FeedScheduleState: Sendable, Equatable {
    /// How a feed is doing, for `status` and digests.
    public enum Health: String, Sendable, Equatable, CaseIterable {
        /// The last fetch succeeded (or there was none yet).
        case ok
        /// Failing, with growing backoff.
        case failing
        /// `404 Not Found` several times in a row: reported, still retried at the backoff cap.
        case notFound = "not_found"
        /// `410 Gone`: reported, still retried once a day.
        case gone
    }

    public var nextDue: Date
    /// Failures charged to the feed since its last success (not those while the network itself was down).
    public var consecutiveFailures: Int
    /// Consecutive `404` answers.
    public var consecutiveNotFound: Int
    public var health: Health

    public init(nextDue: Date, consecutiveFailures: Int = 0, consecutiveNotFound: Int = 0, health: Health = .ok) {
        self.nextDue = nextDue
        self.consecutiveFailures = consecutiveFailures
        self.consecutiveNotFound = consecutiveNotFound
        self.health = health
    }
}
