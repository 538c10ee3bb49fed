import NewswatchCore

/// A calendar date with no time zone: a digest's date of issue, as in `digests/YYYY-MM-DD.md`.
public struct DigestDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Days since 1970-01-01 (proleptic Gregorian); the one stored field, so arithmetic is exact.
    public let daysSince1970: Int64

    /// The date `daysSince1970` days after 1970-01-01.
    public init(daysSince1970: Int64) { self.daysSince1970 = daysSince1970 }

    /// A date from its fields; `nil` when the day does not exist (`2026-02-30`).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
            day <= DigestDate.daysInMonth(year: year, month: month)
        else { return nil }
        daysSince1970 = Timestamp.daysFromCivil(Int64(year), Int64(month), Int64(day))
    }

    /// Parses exactly `YYYY-MM-DD`; `nil` for anything else, including days that do not exist.
    public init?(_ text: String) {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
        func number(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                guard (48...57).contains(b[i]) else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The year.
    public var year: Int { Int(Timestamp.civil(fromDays: daysSince1970).0) }
    /// The month, 1–12.
    public var month: Int { Int(Timestamp.civil(fromDays: daysSince1970).1) }
    /// The day of the month, 1–31.
    public var day: Int { Int(Timestamp.civil(fromDays: daysSince1970).2) }

    /// 0 = Sunday … 6 = Saturday.
    public var weekday: Int {
        // 1970-01-01 was a Thursday.
        let w = (daysSince1970 + 4) % 7
        return Int(w < 0 ? w + 7 : w)
    }

    /// The date `days` later (earlier when negative).
    public func adding(days: Int) -> DigestDate { DigestDate(daysSince1970: daysSince1970 + Int64(days)) }

    /// `YYYY-MM-DD`.
    public var description: String { CivilDay.text(daysSince1970: daysSince1970) }

    /// Earlier.
    public static func < (a: DigestDate, b: DigestDate) -> Bool { a.daysSince1970 < b.daysSince1970 }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
