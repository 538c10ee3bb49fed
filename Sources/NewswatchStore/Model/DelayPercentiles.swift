import Foundation

/// The median and 95th percentile of a feed's detection delays (CONTRACT §11), in seconds.
public struct DelayPercentiles: Sendable, Equatable {
    public var p50: TimeInterval
    public var p95: TimeInterval

    /// The nearest-rank percentiles of `delays`; `nil` when there are none.
    public init?(_ delays: [TimeInterval]) {
        guard !delays.isEmpty else { return nil }
        let sorted = delays.sorted()
        func rank(_ q: Double) -> TimeInterval { sorted[max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1)] }
        p50 = rank(0.5)
        p95 = rank(0.95)
    }

    /// The window `status` and the digest measure over: the last 7 days.
    public static let window: TimeInterval = 7 * 86400

    /// `3m12s`, `45s`, `2h5m`: a delay for people.
    public static func text(_ seconds: TimeInterval) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return s % 60 == 0 ? "\(s / 60)m" : "\(s / 60)m\(s % 60)s" }
        return (s % 3600) / 60 == 0 ? "\(s / 3600)h" : "\(s / 3600)h\((s % 3600) / 60)m"
    }
}
