import Foundation
import NewswatchCore

/// Parsing of HTTP dates (RFC 9110 §5.6.7): IMF-fixdate, the obsolete RFC 850 form and asctime.
///
/// Lenient the way servers need: any weekday spelling, `GMT`/`UTC`/`Z`/numeric offsets, single-digit days.
public enum HTTPDate {
    /// `Sun, 06 Nov 1994 08:49:37 GMT`, `Sunday, 06-Nov-94 08:49:37 GMT` or `Sun Nov  6 08:49:37 1994`; nil otherwise.
    public static func parse(_ text: String) -> Date? {
        if let date = parseFixdate(text) { return date }
        var tokens: [Substring] = []
        for part in text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }) {
            // RFC 850 writes the date as 06-Nov-94; a leading sign belongs to a zone offset.
            if part.first == "+" || (part.first == "-" && part.count == 5) {
                tokens.append(part)
            } else {
                tokens.append(contentsOf: part.split(separator: "-"))
            }
        }
        var month: Int64?
        var numbers: [Substring] = []
        var clock: (Int64, Int64, Int64)?
        var offset: Int64 = 0
        for token in tokens {
            if let m = monthNumber(token) {
                guard month == nil else { return nil }
                month = m
            } else if token.contains(":") {
                let parts = token.split(separator: ":", omittingEmptySubsequences: false)
                guard clock == nil, parts.count == 3, let h = Int64(parts[0]), let mi = Int64(parts[1]),
                    let s = Int64(parts[2]), (0..<24).contains(h), (0..<60).contains(mi), (0..<61).contains(s)
                else { return nil }
                clock = (h, mi, s)
            } else if token.allSatisfy({ $0.isASCII && $0.isNumber }) {
                numbers.append(token)
            } else if token.first == "+" || token.first == "-" {
                guard token.count == 5, let v = Int64(token.dropFirst()) else { return nil }
                let minutes = (v / 100) * 60 + v % 100
                offset = token.first == "+" ? minutes * 60 : -minutes * 60
            } else if ["GMT", "UTC", "UT", "Z"].contains(token.uppercased()) || isWeekday(token) {
                continue
            } else {
                return nil
            }
        }
        // Every form writes the day before the year.
        guard let month, let clock, numbers.count == 2, numbers[0].count <= 2, let day = Int64(numbers[0]),
            (1...31).contains(day), let rawYear = Int64(numbers[1])
        else { return nil }
        let year: Int64
        switch numbers[1].count {
        case 4: year = rawYear
        case 2: year = rawYear < 70 ? 2000 + rawYear : 1900 + rawYear
        default: return nil
        }
        let utc = Timestamp.date(
            year: year, month: month, day: day, hour: clock.0, minute: clock.1, second: clock.2)
        return utc.addingTimeInterval(TimeInterval(-offset))
    }

    /// The one form current servers send, `Sun, 06 Nov 1994 08:49:37 GMT`, read by position (the hot path: every
    /// response's `Date`).
    private static func parseFixdate(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { b -> Date? in
            guard b.count == 29, b[3] == 44, b[4] == 32, b[7] == 32, b[11] == 32, b[16] == 32, b[19] == 58,
                b[22] == 58, b[25] == 32, b[26] == 71, b[27] == 77, b[28] == 84
            else { return nil }
            func number(_ from: Int, _ count: Int) -> Int64? {
                var value: Int64 = 0
                for i in from..<(from + count) {
                    guard b[i] >= 48 && b[i] <= 57 else { return nil }
                    value = value * 10 + Int64(b[i] - 48)
                }
                return value
            }
            let m = (b[8] | 0x20, b[9] | 0x20, b[10] | 0x20)
            guard let month = monthBytes.firstIndex(where: { $0 == m }), let day = number(5, 2), (1...31).contains(day),
                let year = number(12, 4), let hour = number(17, 2), hour < 24, let minute = number(20, 2), minute < 60,
                let second = number(23, 2), second < 61
            else { return nil }
            return Timestamp.date(
                year: year, month: Int64(month + 1), day: day, hour: hour, minute: minute, second: second)
        }
    }

    private static let monthBytes: [(UInt8, UInt8, UInt8)] = months.map {
        let u = Array($0.utf8)
        return (u[0], u[1], u[2])
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    private static func monthNumber(_ token: Substring) -> Int64? {
        guard token.count == 3 || (token.count > 3 && token.count <= 9) else { return nil }
        let lower = token.lowercased()
        guard let i = months.firstIndex(where: { lower.hasPrefix($0) }), token.count == 3 || isFullMonth(lower, i)
        else { return nil }
        return Int64(i + 1)
    }

    private static func isFullMonth(_ lower: String, _ index: Int) -> Bool {
        let full = [
            "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
            "november", "december",
        ]
        return lower == full[index]
    }

    private static func isWeekday(_ token: Substring) -> Bool {
        let lower = token.lowercased()
        return weekdays.contains { lower.hasPrefix($0) } && token.count <= 9
    }
}
