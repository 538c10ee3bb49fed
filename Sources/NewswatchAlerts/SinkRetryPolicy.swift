import Foundation

/// When a sink retries a failed delivery: a growing delay (30 s doubling to a 1 h cap by default), and giving up
/// 24 hours after the first attempt (CONTRACT §4). Pure; the dispatcher stores the first attempt and the count.
package struct SinkRetryPolicy: Sendable, Equatable {
    /// What to do after a failed attempt.
    package enum Decision: Sendable, Equatable {
        /// Try again at this time.
        case retry(at: Date)
        /// Stop: log it and count it as given up in `status`.
        case giveUp
    }

    package var initialDelay: TimeInterval
    package var multiplier: Double
    package var maxDelay: TimeInterval
    /// Measured from the first attempt.
    package var giveUpAfter: TimeInterval

    package init(
        initialDelay: TimeInterval = 30, multiplier: Double = 2, maxDelay: TimeInterval = 3600,
        giveUpAfter: TimeInterval = 86400
    ) {
        self.initialDelay = initialDelay
        self.multiplier = max(1, multiplier)
        self.maxDelay = maxDelay
        self.giveUpAfter = giveUpAfter
    }

    /// The wait after the `failures`-th consecutive failure (1-based): `initialDelay · multiplier^(failures−1)`,
    /// at most `maxDelay`.
    package func delay(afterFailures failures: Int) -> TimeInterval {
        let n = max(1, failures)
        var delay = initialDelay
        for _ in 1..<n {
            delay *= multiplier
            if delay >= maxDelay { return maxDelay }
        }
        return min(delay, maxDelay)
    }

    /// Decides after the `failures`-th failed attempt at `now`, for a message first attempted at `firstAttempt`.
    /// The last retry is placed at the give-up deadline itself, so a sink that recovers just before it still
    /// gets the message; a failure at or after the deadline gives up.
    package func decide(firstAttempt: Date, failures: Int, now: Date) -> Decision {
        let deadline = firstAttempt.addingTimeInterval(giveUpAfter)
        guard now < deadline else { return .giveUp }
        let next = now.addingTimeInterval(delay(afterFailures: failures))
        return .retry(at: min(next, deadline))
    }
}
