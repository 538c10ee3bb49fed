import Foundation

/// A daily window of local wall-clock time (`quiet_hours = "23:00-06:00"`, CONTRACT §10), which may cross midnight.
///
/// Instants are found with a Gregorian calendar in the given zone: a start or end that does not exist that day
/// (the spring-forward gap) means the next valid instant, one that occurs twice (the fall-back overlap) its first
/// occurrence, as for `digest.time`.
public struct QuietHours: Sendable, Hashable, CustomStringConvertible {
    /// Where the window starts each day.
    public let start: DigestTime
    /// Where it ends (the next day when not after `start`).
    public let end: DigestTime

    /// A window from `start` to `end`; `nil` when they are equal (an empty or whole-day window is a config error).
    public init?(start: DigestTime, end: DigestTime) {
        guard start != end else { return nil }
        self.start = start
        self.end = end
    }

    /// Parses `HH:MM-HH:MM`; `nil` for anything else or an empty window.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2,
            let start = DigestTime(parts[0].trimmingCharacters(in: .whitespaces)),
            let end = DigestTime(parts[1].trimmingCharacters(in: .whitespaces))
        else { return nil }
        self.init(start: start, end: end)
    }

    /// `HH:MM-HH:MM`.
    public var description: String { "\(start)-\(end)" }

    /// The window holding `instant` in `timeZone` (`start ≤ instant < end`), or `nil` outside quiet hours.
    public func window(containing instant: Date, in timeZone: TimeZone) -> DateInterval? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let today = calendar.startOfDay(for: instant)
        // A window crossing midnight that holds `instant` may have started the local day before.
        for dayOffset in [-1, 0] {
            guard let day = calendar.date(byAdding: .day, value: dayOffset, to: today),
                let from = Self.instant(start, on: day, calendar: calendar),
                let endDay = end > start ? day : calendar.date(byAdding: .day, value: 1, to: day),
                let to = Self.instant(end, on: endDay, calendar: calendar), from < to
            else { continue }
            if from <= instant && instant < to { return DateInterval(start: from, end: to) }
        }
        return nil
    }

    private static func instant(_ time: DigestTime, on day: Date, calendar: Calendar) -> Date? {
        calendar.date(
            bySettingHour: time.hour, minute: time.minute, second: 0, of: day, matchingPolicy: .nextTime,
            repeatedTimePolicy: .first, direction: .forward)
    }
}
