import Foundation
import NewswatchCore

/// The spike test (CONTRACT §10 `spike_factor`, `spike_min_items`): items first seen in the last hour against the
/// average of the same hour of the day over the previous 7 days.
public struct SpikeRule: Sendable, Equatable {
    /// Days of history in the baseline.
    public static let days = 7
    /// A topic spikes at most once in this many seconds.
    public static let quietPeriod: TimeInterval = 6 * 3600

    /// `spike_factor`.
    public var factor: Double
    /// `spike_min_items`.
    public var minItems: Int

    public init(factor: Double, minItems: Int) {
        self.factor = factor
        self.minItems = minItems
    }

    /// The windows counted at `now` (store seconds): index 0 is the last hour, index d the same hour d days ago.
    public static func windows(now: Int64) -> [Range<Int64>] {
        (0...days).map { d in
            let end = now - Int64(d) * 86400
            return (end - 3600)..<end
        }
    }

    /// The baseline: the mean of the counts of the previous `days` days' windows (missing days count 0).
    public static func baseline(_ previous: [Int]) -> Double {
        Double(previous.prefix(days).reduce(0, +)) / Double(days)
    }

    /// Whether `lastHour` items against `baseline` is a spike: at least `minItems` and at least `factor` × baseline.
    public func isSpike(lastHour: Int, baseline: Double) -> Bool {
        lastHour >= minItems && Double(lastHour) >= factor * baseline
    }
}
