import Foundation
import NewswatchCore

/// The stretch of time one digest covers: from the previous day's digest instant up to (not including)
/// the digest instant of its date of issue (CONTRACT §5).
///
/// Usually 24 hours; 23 or 25 across a daylight-saving change (23.5 or 24.5 where the shift is 30 minutes).
/// Make one with `DigestSchedule`, which knows the digest time and zone.
public struct DigestPeriod: Sendable, Hashable {
    /// The date of issue, which names the files.
    public var date: DigestDate
    /// The first instant of the period (inclusive).
    public var start: Date
    /// The digest instant (exclusive): an item first seen exactly now belongs to the next period.
    public var end: Date
    /// The zone the digest is written for; local times and hourly buckets use it.
    public var timeZone: TimeZone
    /// The configured digest time.
    public var time: DigestTime

    /// A period from its parts (``DigestSchedule`` computes them).
    public init(date: DigestDate, start: Date, end: Date, timeZone: TimeZone, time: DigestTime) {
        self.date = date
        self.start = start
        self.end = end
        self.timeZone = timeZone
        self.time = time
    }

    /// The length in seconds.
    public var duration: TimeInterval { end.timeIntervalSince(start) }

    /// Whether `instant` falls in `[start, end)`.
    public func contains(_ instant: Date) -> Bool { instant >= start && instant < end }

    /// Starts of the hourly buckets of the volume chart: every whole hour from `start`, so 24 of them on an
    /// ordinary day, 23 or 25 across a DST change; a final partial hour (30-minute shifts) gets its own bucket.
    public var hourStarts: [Date] {
        let count = Int((duration / 3600).rounded(.up))
        return (0..<max(count, 0)).map { start.addingTimeInterval(Double($0) * 3600) }
    }

    /// The index into `hourStarts` of the bucket holding `instant`; `nil` outside the period.
    public func hourIndex(of instant: Date) -> Int? {
        guard contains(instant) else { return nil }
        return Int((instant.timeIntervalSince(start) / 3600).rounded(.down))
    }
}
