import Foundation

/// A day of the (proleptic Gregorian) calendar in a time zone, from the zone's offset at the instant.
///
/// Foundation's `Calendar` loads ICU's calendar data on first use, even for UTC (~1.7 MiB more resident, issue 18);
/// the daemon only needs the day an alert or event falls on and the start of today.
public struct CivilDay: Sendable, Hashable, Comparable {
    /// Days since 1970-01-01.
    public let daysSince1970: Int64

    /// The day in `zone` on which `instant` falls.
    public init(_ instant: Date, in zone: TimeZone) {
        let local = instant.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: instant))
        daysSince1970 = Int64((local / 86400).rounded(.down))
    }

    /// `YYYY-MM-DD`, e.g. the name of the day's alert file without its extension.
    public var text: String { Self.text(daysSince1970: daysSince1970) }

    /// `YYYY-MM-DD` of the day `daysSince1970` days after 1970-01-01.
    public static func text(daysSince1970: Int64) -> String {
        let (y, m, d) = Timestamp.civil(fromDays: daysSince1970)
        func pad(_ v: Int64, _ width: Int) -> String {
            let digits = String(v)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
    }

    /// The first instant of this day in `zone`: local midnight where the day starts then (always in UTC and other
    /// fixed-offset zones); otherwise (a transition skips midnight) `Calendar`'s answer.
    public func start(in zone: TimeZone) -> Date {
        let midnight = Double(daysSince1970) * 86400
        func local(_ t: Double) -> Date {
            Date(timeIntervalSince1970: t - Double(zone.secondsFromGMT(for: .init(timeIntervalSince1970: t))))
        }
        // The offset at midnight UTC may differ from the one at local midnight: take the offset at the first guess.
        var guess = local(midnight)
        guess = Date(timeIntervalSince1970: midnight - Double(zone.secondsFromGMT(for: guess)))
        if CivilDay(guess, in: zone) == self, CivilDay(guess.addingTimeInterval(-1), in: zone) < self {
            return guess
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.startOfDay(for: local(midnight + 43200))
    }

    /// Earlier days first.
    public static func < (a: CivilDay, b: CivilDay) -> Bool { a.daysSince1970 < b.daysSince1970 }
}
