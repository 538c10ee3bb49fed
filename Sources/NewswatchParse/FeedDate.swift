import Foundation
import NewswatchCore

/// Dates as feeds write them: RFC 822/1123 and their real-world variants, RFC 3339 / ISO 8601, W3C-DTF.
///
/// Works on UTF-8 bytes with hand-written civil arithmetic: no `DateFormatter` (slow, locale-dependent).
/// A date without a zone is UTC; a partial W3C-DTF date is its first instant; two-digit years follow
/// RFC 2822 §4.3. Anything it cannot read with certainty is `nil` — never a guess, never "now".
public enum FeedDate {
    /// Parses a feed date; `nil` when the text is not a date this parser can read with certainty.
    public static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    /// Parses a date from UTF-8 bytes (the parser's own entry point, free of `String` churn).
    static func parse(bytes raw: UnsafeBufferPointer<UInt8>) -> Date? {
        var lo = 0
        var hi = raw.count
        while lo < hi, isSpace(raw[lo]) { lo += 1 }
        while hi > lo, isSpace(raw[hi - 1]) { hi -= 1 }
        guard hi - lo >= 4, hi - lo <= 200 else { return nil }
        let b = UnsafeBufferPointer(rebasing: raw[lo..<hi])
        if isDigit(b[0]), isDigit(b[1]), isDigit(b[2]), isDigit(b[3]), b.count == 4 || b[4] == 0x2D || isDigit(b[4]) {
            if let d = parseISO(b) { return d }
        }
        return parseRFC822(b)
    }

    // MARK: ISO 8601 / RFC 3339 / W3C-DTF

    private static func parseISO(_ b: UnsafeBufferPointer<UInt8>) -> Date? {
        var i = 0
        func digits(_ n: Int) -> Int64? {
            guard i + n <= b.count else { return nil }
            var v: Int64 = 0
            for k in 0..<n {
                let c = b[i + k]
                guard isDigit(c) else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            i += n
            return v
        }
        func peek(_ c: UInt8) -> Bool { i < b.count && b[i] == c }

        guard let year = digits(4) else { return nil }
        var month: Int64 = 1
        var day: Int64 = 1
        var hour: Int64 = 0
        var minute: Int64 = 0
        var second: Int64 = 0
        var fraction = 0.0
        var offset: Int64 = 0
        let basic = i < b.count && isDigit(b[i])  // 20250209T110723Z
        if i < b.count {
            if !basic {
                guard peek(0x2D) else { return nil }
                i += 1
            }
            guard let m = digits(2) else { return nil }
            month = m
            if i < b.count {
                if !basic {
                    guard peek(0x2D) else { return nil }
                    i += 1
                }
                guard let d = digits(2) else { return nil }
                day = d
            }
        }
        if i < b.count {
            // Time: 'T', 't' or one or more spaces.
            if b[i] == 0x54 || b[i] == 0x74 {
                i += 1
            } else if isSpace(b[i]) {
                while i < b.count, isSpace(b[i]) { i += 1 }
            } else {
                return nil
            }
            guard let h = digits(2) else { return nil }
            hour = h
            if !basic {
                guard peek(0x3A) else { return nil }
                i += 1
            }
            guard let mi = digits(2) else { return nil }
            minute = mi
            if i < b.count, (!basic && b[i] == 0x3A) || (basic && isDigit(b[i])) {
                if !basic { i += 1 }
                guard let s = digits(2) else { return nil }
                second = s
                if i < b.count, b[i] == 0x2E || b[i] == 0x2C {
                    i += 1
                    var scale = 0.1
                    let start = i
                    while i < b.count, isDigit(b[i]) {
                        fraction += Double(b[i] - 48) * scale
                        scale /= 10
                        i += 1
                    }
                    guard i > start else { return nil }
                }
            }
            while i < b.count, isSpace(b[i]) { i += 1 }
            if i < b.count {
                let rest = UnsafeBufferPointer(rebasing: b[i...])
                guard let zone = zoneOffset(rest) else { return nil }
                offset = zone
                i = b.count
            }
        }
        guard i == b.count else { return nil }
        return make(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second, fraction: fraction,
            offsetMinutes: offset)
    }

    /// A whole zone token: `Z`, `±hh`, `±hhmm`, `±hh:mm`, a zone name, or a name followed by an offset.
    private static func zoneOffset(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard !b.isEmpty else { return nil }
        if b[0] == 0x2B || b[0] == 0x2D { return numericOffset(b) }
        var n = 0
        while n < b.count, isLetter(b[n]) { n += 1 }
        guard n > 0, let named = zoneName(UnsafeBufferPointer(rebasing: b[0..<n])) else { return nil }
        if n == b.count { return named }
        // "GMT+2", "UTC-05:00"
        guard let extra = numericOffset(UnsafeBufferPointer(rebasing: b[n...])) else { return nil }
        return named + extra
    }

    private static func numericOffset(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard b.count >= 2, b[0] == 0x2B || b[0] == 0x2D else { return nil }
        let sign: Int64 = b[0] == 0x2D ? -1 : 1
        // The digits as one number and their count (no array: every dated item comes here).
        var value: Int64 = 0
        var digits = 0
        var colon = false
        for k in 1..<b.count {
            let c = b[k]
            if isDigit(c) {
                guard digits < 4 else { return nil }
                value = value * 10 + Int64(c - 48)
                digits += 1
            } else if c == 0x3A, !colon, digits == 2 {
                colon = true
            } else {
                return nil
            }
        }
        let (h, m): (Int64, Int64)
        switch digits {
        case 1, 2: (h, m) = (value, 0)  // "+5", "+05"
        case 3, 4: (h, m) = (value / 100, value % 100)  // "+530", "+0530", "+05:30"
        default: return nil
        }
        guard h <= 14, m < 60 else { return nil }
        return sign * (h * 60 + m)
    }

    // MARK: RFC 822 and friends

    private static func parseRFC822(_ b: UnsafeBufferPointer<UInt8>) -> Date? {
        var i = 0
        var month: Int64?
        // Day and year: two numbers, kept in place (an array per date was a tenth of the date's cost).
        var numbers = (value: (Int64(0), Int64(0)), digits: (0, 0))
        var numberCount = 0
        var time: (Int64, Int64, Int64, Double)?
        var offset: Int64?
        var pm: Bool?
        while i < b.count {
            let c = b[i]
            if isSpace(c) || c == 0x2C || c == 0x2E || c == 0x2F {
                i += 1
            } else if c == 0x28 {  // "(UTC)": a comment
                while i < b.count, b[i] != 0x29 { i += 1 }
                i += 1
            } else if isLetter(c) {
                let start = i
                while i < b.count, isLetter(b[i]) { i += 1 }
                let word = UnsafeBufferPointer(rebasing: b[start..<i])
                if let m = monthNumber(word) {
                    guard month == nil else { return nil }
                    month = m
                } else if isWeekday(word) {
                    continue
                } else if let ampm = meridiem(word) {
                    pm = ampm
                } else if let z = zoneName(word) {
                    guard offset == nil else { return nil }
                    var total = z
                    // "GMT+0200"
                    if i < b.count, b[i] == 0x2B || b[i] == 0x2D {
                        let s = i
                        i += 1
                        while i < b.count, isDigit(b[i]) || b[i] == 0x3A { i += 1 }
                        guard let extra = numericOffset(UnsafeBufferPointer(rebasing: b[s..<i])) else { return nil }
                        total += extra
                    }
                    offset = total
                } else {
                    return nil
                }
            } else if c == 0x2B || (c == 0x2D && time != nil && offset == nil) {
                let s = i
                i += 1
                while i < b.count, isDigit(b[i]) || b[i] == 0x3A { i += 1 }
                guard offset == nil, let o = numericOffset(UnsafeBufferPointer(rebasing: b[s..<i])) else { return nil }
                offset = o
            } else if c == 0x2D {
                i += 1  // "09-Feb-2025"
            } else if isDigit(c) {
                let s = i
                var v: Int64 = 0
                while i < b.count, isDigit(b[i]) {
                    v = v * 10 + Int64(b[i] - 48)
                    i += 1
                    guard i - s <= 9 else { return nil }
                }
                if i < b.count, b[i] == 0x3A {
                    guard time == nil, i - s <= 2 else { return nil }
                    i += 1
                    guard let mi = twoDigits(b, &i) else { return nil }
                    var sec: Int64 = 0
                    var frac = 0.0
                    if i < b.count, b[i] == 0x3A {
                        i += 1
                        guard let s2 = twoDigits(b, &i) else { return nil }
                        sec = s2
                        if i + 1 < b.count, b[i] == 0x2E, isDigit(b[i + 1]) {
                            i += 1
                            var scale = 0.1
                            while i < b.count, isDigit(b[i]) {
                                frac += Double(b[i] - 48) * scale
                                scale /= 10
                                i += 1
                            }
                        }
                    }
                    time = (v, mi, sec, frac)
                } else {
                    if numberCount == 0 {
                        numbers.value.0 = v
                        numbers.digits.0 = i - s
                    }
                    if numberCount == 1 {
                        numbers.value.1 = v
                        numbers.digits.1 = i - s
                    }
                    numberCount += 1
                }
            } else {
                return nil
            }
        }
        guard let month, numberCount == 2 else { return nil }
        let yearFirst = numbers.digits.0 >= 3 || numbers.value.0 > 31
        let day = yearFirst ? numbers.value.1 : numbers.value.0
        var year = yearFirst ? numbers.value.0 : numbers.value.1
        switch yearFirst ? numbers.digits.0 : numbers.digits.1 {
        case 1, 2: year += year < 50 ? 2000 : 1900
        case 3: year += 1900
        case 4: break
        default: return nil
        }
        let (h, minute, second, fraction) = time ?? (0, 0, 0, 0)
        var hour = h
        if let pm {
            guard hour >= 1, hour <= 12 else { return nil }
            hour = hour % 12 + (pm ? 12 : 0)
        }
        return make(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second, fraction: fraction,
            offsetMinutes: offset ?? 0)
    }

    private static func twoDigits(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Int64? {
        guard i + 1 < b.count, isDigit(b[i]), isDigit(b[i + 1]) else { return nil }
        let v = Int64(b[i] - 48) * 10 + Int64(b[i + 1] - 48)
        i += 2
        return v
    }

    // MARK: Names

    private static func lower(_ c: UInt8) -> UInt8 { c | 0x20 }

    /// Compares a word case-insensitively with a lower-case ASCII literal.
    private static func equals(_ w: UnsafeBufferPointer<UInt8>, _ s: StaticString) -> Bool {
        guard w.count == s.utf8CodeUnitCount else { return false }
        let p = s.utf8Start
        for k in 0..<w.count where lower(w[k]) != p[k] { return false }
        return true
    }

    private static let months: [StaticString] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    private static let monthNames: [StaticString] = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december",
    ]

    private static func monthNumber(_ w: UnsafeBufferPointer<UInt8>) -> Int64? {
        if w.count == 3 {
            let key = key3(w)
            for k in 0..<12 where monthKeys[k] == key { return Int64(k + 1) }
            return nil
        }
        if equals(w, "sept") { return 9 }
        for (k, m) in monthNames.enumerated() where equals(w, m) { return Int64(k + 1) }
        return nil
    }

    private static let weekdays: [StaticString] = [
        "mon", "tue", "wed", "thu", "fri", "sat", "sun", "monday", "tuesday", "wednesday", "thursday", "friday",
        "saturday", "sunday", "tues", "thur", "thurs",
    ]

    private static func isWeekday(_ w: UnsafeBufferPointer<UInt8>) -> Bool {
        if w.count == 3 {
            let key = key3(w)
            return weekdayKeys.contains(key)
        }
        return weekdays.contains { equals(w, $0) }
    }

    /// A three-letter word lower-cased and packed into one integer (most month and weekday names in feeds).
    private static func key3(_ w: UnsafeBufferPointer<UInt8>) -> UInt32 {
        UInt32(lower(w[0])) << 16 | UInt32(lower(w[1])) << 8 | UInt32(lower(w[2]))
    }

    private static func key3(_ s: StaticString) -> UInt32 {
        key3(UnsafeBufferPointer(start: s.utf8Start, count: 3))
    }

    private static let monthKeys: [UInt32] = months.map { key3($0) }
    private static let weekdayKeys: [UInt32] = weekdays.filter { $0.utf8CodeUnitCount == 3 }.map { key3($0) }

    private static func meridiem(_ w: UnsafeBufferPointer<UInt8>) -> Bool? {
        if equals(w, "am") { return false }
        if equals(w, "pm") { return true }
        return nil
    }

    /// Unambiguous zone abbreviations, in minutes east of UTC. Ambiguous ones (IST, …) are left out on purpose.
    private static let zones: [(StaticString, Int64)] = [
        ("ut", 0), ("utc", 0), ("gmt", 0), ("z", 0), ("wet", 0),
        ("est", -300), ("edt", -240), ("cst", -360), ("cdt", -300), ("mst", -420), ("mdt", -360),
        ("pst", -480), ("pdt", -420), ("ast", -240), ("adt", -180), ("akst", -540), ("akdt", -480),
        ("hst", -600), ("nst", -210), ("ndt", -150),
        ("cet", 60), ("cest", 120), ("met", 60), ("mest", 120), ("eet", 120), ("eest", 180), ("west", 60),
        ("bst", 60), ("msk", 180), ("jst", 540), ("kst", 540), ("hkt", 480), ("sgt", 480),
        ("awst", 480), ("acst", 570), ("aest", 600), ("aedt", 660), ("nzst", 720), ("nzdt", 780),
    ]

    private static func zoneName(_ w: UnsafeBufferPointer<UInt8>) -> Int64? {
        if w.count == 1 {
            // RFC 822 military zones (with RFC 822's own signs): A–I = -1…-9, K–M = -10…-12, N–Y = +1…+12, Z = 0.
            let c = lower(w[0])
            switch c {
            case 0x61...0x69: return -Int64(c - 0x60) * 60
            case 0x6B...0x6D: return -Int64(c - 0x61) * 60
            case 0x6E...0x79: return Int64(c - 0x6D) * 60
            case 0x7A: return 0
            default: return nil
            }
        }
        for (name, minutes) in zones where equals(w, name) { return minutes }
        return nil
    }

    // MARK: Assembly

    private static func make(
        year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64, fraction: Double,
        offsetMinutes: Int64
    ) -> Date? {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1, day <= daysIn(month, year),
            hour <= 24, minute <= 59, second <= 60
        else { return nil }
        if hour == 24, minute != 0 || second != 0 || fraction != 0 { return nil }
        let sec = min(second, 59)  // a leap second is read as the last second of its minute
        let days = Timestamp.daysFromCivil(year, month, day)
        let total = days * 86400 + hour * 3600 + minute * 60 + sec - offsetMinutes * 60
        return Date(timeIntervalSince1970: TimeInterval(total) + fraction)
    }

    private static func daysIn(_ month: Int64, _ year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- 48 < 10 }
    @inline(__always) static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) &- 0x61 < 26 }
    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c &- 9 < 5 }
}
