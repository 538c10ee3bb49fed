import Foundation

/// The feed-health part of a digest: feeds that failed during the period and feeds that went silent.
package struct DigestFeedHealth: Sendable, Equatable {
    /// A feed that failed at least once in the period.
    package struct Failure: Sendable, Equatable {
        package var feed: String
        package var url: String?
        /// Failed fetches in the period.
        package var failures: Int
        /// The distinct errors and how often each occurred (e.g. `HTTP 404`, `timed out after 30s`).
        package var errors: [ErrorCount]
        /// The last failure in the period.
        package var lastFailure: Date?

        package init(feed: String, url: String?, failures: Int, errors: [ErrorCount], lastFailure: Date?) {
            self.feed = feed
            self.url = url
            self.failures = failures
            self.errors = errors
            self.lastFailure = lastFailure
        }

        /// Errors most frequent first, then alphabetically.
        package var orderedErrors: [ErrorCount] {
            errors.sorted { $0.count != $1.count ? $0.count > $1.count : $0.message < $1.message }
        }
    }

    /// One distinct error message and how many failures gave it.
    package struct ErrorCount: Sendable, Equatable {
        package var message: String
        package var count: Int
        package init(message: String, count: Int) {
            self.message = message
            self.count = count
        }
    }

    /// A feed that fetches fine but has published nothing new for longer than it normally does.
    package struct SilentFeed: Sendable, Equatable {
        package var feed: String
        package var url: String?
        /// When its last new item was first seen; `nil` if it never had one.
        package var lastNewItem: Date?
        package init(feed: String, url: String?, lastNewItem: Date?) {
            self.feed = feed
            self.url = url
            self.lastNewItem = lastNewItem
        }
    }

    package var failed: [Failure]
    package var silent: [SilentFeed]
    /// The feeds slowest to detect over the 7 days to the period's end, slowest first (see `DigestBuilder`).
    package var slowest: [SlowFeed] = []

    package init(failed: [Failure] = [], silent: [SilentFeed] = []) {
        self.failed = failed
        self.silent = silent
    }

    /// Failing feeds most failures first, then by name and URL.
    package var orderedFailed: [Failure] {
        failed.sorted {
            if $0.failures != $1.failures { return $0.failures > $1.failures }
            if $0.feed != $1.feed { return $0.feed < $1.feed }
            return ($0.url ?? "") < ($1.url ?? "")
        }
    }

    /// Silent feeds longest silent first (never-published first of all), then by name and URL.
    package var orderedSilent: [SilentFeed] {
        silent.sorted {
            switch ($0.lastNewItem, $1.lastNewItem) {
            case (nil, .some): return true
            case (.some, nil): return false
            case (.some(let a), .some(let b)) where a != b: return a < b
            default: return $0.feed != $1.feed ? $0.feed < $1.feed : ($0.url ?? "") < ($1.url ?? "")
            }
        }
    }
}
