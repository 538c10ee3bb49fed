import Foundation
import NewswatchCore

/// When a feed is fetched next: the pure scheduling rules, with time passed in (CONTRACT §6, issue 5 item 7).
///
/// - A feed that answered (200/304) is due again after its interval, or after the feed's RSS `ttl` or the
///   response's `Cache-Control: max-age` if longer (each floor capped at `maximumFloor`).
/// - A failure is charged to the feed and backs off: interval × 2^(failures−1), capped at `maximumBackoff`
///   (or the interval, if that is longer). Nothing is ever abandoned.
/// - `410 Gone` is retried after `goneRetry`; `notFoundThreshold` consecutive 404s mark the feed `notFound`.
///   Both are reported through `FeedScheduleState.health`.
/// - `Retry-After` is honoured: never earlier than it asks (capped at `maximumRetryAfter`).
/// - A DNS or connect failure while the network itself is down (see `NetworkMonitor`) is not charged: the
///   feed keeps its failure count and is retried after its plain interval.
/// - Every delay is jittered by up to ±`jitterFraction` so feeds do not fire together; the jitter is a
///   deterministic function of `seed`, the feed and the time, so tests are exact. Jitter never moves a fetch
///   before a server-given bound (ttl, max-age, Retry-After): there it only adds.
public struct SchedulerPolicy: Sendable, Equatable {
    public var jitterFraction: Double
    public var maximumBackoff: TimeInterval
    public var maximumFloor: TimeInterval
    public var maximumRetryAfter: TimeInterval
    public var goneRetry: TimeInterval
    public var notFoundThreshold: Int
    /// First fetches after start-up are spread over at most this long (and at most the jitter of the interval).
    public var startupSpread: TimeInterval
    public var seed: UInt64

    public init(
        jitterFraction: Double = 0.1, maximumBackoff: TimeInterval = 6 * 3600,
        maximumFloor: TimeInterval = 24 * 3600, maximumRetryAfter: TimeInterval = 24 * 3600,
        goneRetry: TimeInterval = 24 * 3600, notFoundThreshold: Int = 3, startupSpread: TimeInterval = 60,
        seed: UInt64 = 0x6E65_7773_7761_7463
    ) {
        self.jitterFraction = jitterFraction
        self.maximumBackoff = maximumBackoff
        self.maximumFloor = maximumFloor
        self.maximumRetryAfter = maximumRetryAfter
        self.goneRetry = goneRetry
        self.notFoundThreshold = notFoundThreshold
        self.startupSpread = startupSpread
        self.seed = seed
    }

    /// The state of a feed never fetched: due within the start-up spread, spread by feed.
    public func initialState(feed: String, interval: TimeInterval, now: Date) -> FeedScheduleState {
        let spread = max(0, min(startupSpread, interval * jitterFraction))
        let u = (jitterUnit(feed: feed, at: now, salt: 1) + 1) / 2
        return FeedScheduleState(nextDue: TimeBounds.date(now, adding: spread * u))
    }

    /// The state after `outcome`, observed at `now`.
    ///
    /// - Parameters:
    ///   - feed: the feed's stable key (`FeedConfig.key`), which seeds its jitter.
    ///   - interval: the feed's configured interval, in seconds.
    ///   - networkDown: whether the network itself is down (`NetworkMonitor.isDown`); then a DNS or connect
    ///     failure is not charged to the feed.
    public func next(
        after outcome: FetchOutcome, state: FeedScheduleState, feed: String, interval: TimeInterval, now: Date,
        networkDown: Bool = false
    ) -> FeedScheduleState {
        let interval = max(1, interval)
        let u = jitterUnit(feed: feed, at: now)
        var s = state
        let delay: TimeInterval
        switch outcome.result {
        case .ok, .notModified:
            s.consecutiveFailures = 0
            s.consecutiveNotFound = 0
            s.health = .ok
            let floor =
                [outcome.ttl, outcome.maxAge].compactMap { $0 }.filter(\.isFinite).map {
                    min(max(0, $0), maximumFloor)
                }.max() ?? 0
            delay = floor > interval ? floor * (1 + jitterFraction * abs(u)) : interval * (1 + jitterFraction * u)
        case .network(let failure) where networkDown && failure.isConnectivity:
            delay = interval * (1 + jitterFraction * u)
        case .httpStatus, .network, .unusable:
            s.consecutiveFailures += 1
            if case .httpStatus(404) = outcome.result {
                s.consecutiveNotFound += 1
            } else {
                s.consecutiveNotFound = 0
            }
            var d: TimeInterval
            if case .httpStatus(410) = outcome.result {
                s.health = .gone
                d = max(goneRetry, interval) * (1 + jitterFraction * abs(u))
            } else {
                s.health = s.consecutiveNotFound >= notFoundThreshold ? .notFound : .failing
                d = backoff(interval: interval, failures: s.consecutiveFailures) * (1 + jitterFraction * u)
            }
            if let ra = outcome.retryAfter, ra.isFinite, ra > 0 {
                let asked = min(ra, maximumRetryAfter)
                if asked > d { d = asked * (1 + jitterFraction * abs(u)) }
            }
            delay = d
        }
        s.nextDue = TimeBounds.date(now, adding: delay)
        return s
    }

    /// The un-jittered delay after `failures` consecutive failures: interval × 2^(failures−1), capped at
    /// `maximumBackoff` or the interval, whichever is longer.
    public func backoff(interval: TimeInterval, failures: Int) -> TimeInterval {
        let cap = max(maximumBackoff, interval)
        guard failures > 1 else { return min(interval, cap) }
        let exponent = min(failures - 1, 60)
        return min(cap, interval * pow(2, Double(exponent)))
    }

    /// A number in [-1, 1] determined by the seed, the feed and the instant (to the second).
    public func jitterUnit(feed: String, at date: Date, salt: UInt64 = 0) -> Double {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
        for byte in feed.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        let seconds = TimeBounds.seconds(of: date)
        var x = h ^ UInt64(bitPattern: seconds) &* 0x9E37_79B9_7F4A_7C15 ^ salt &* 0xD6E8_FEB8_6659_FD93
        // SplitMix64's finaliser: every input bit affects every output bit.
        x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
        x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
        x ^= x >> 31
        return Double(x >> 11) / Double(UInt64(1) << 53) * 2 - 1
    }
}
