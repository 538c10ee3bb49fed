import Foundation

/// Wording and number formatting shared by the renderers: hand-made, locale-free, so output never varies
/// with the machine's locale or ICU version.
enum DigestText {
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static let longMonthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]
    static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]

    /// Wall-clock fields of `instant` in `zone`.
    struct Local {
        var date: DigestDate
        var hour: Int
        var minute: Int
        /// Offset from UTC in seconds.
        var offset: Int
    }

    static func local(_ instant: Date, _ zone: TimeZone) -> Local {
        let t = Int64(instant.timeIntervalSince1970.rounded(.down))
        let offset = zone.secondsFromGMT(for: instant)
        let l = t + Int64(offset)
        let days = l >= 0 ? l / 86_400 : (l - 86_399) / 86_400
        let secs = Int(l - days * 86_400)
        return Local(date: DigestDate(daysSince1970: days), hour: secs / 3600, minute: secs % 3600 / 60, offset: offset)
    }

    static func two(_ v: Int) -> String { v < 10 ? "0" + String(v) : String(v) }

    /// `18:03`.
    static func clock(_ instant: Date, _ zone: TimeZone) -> String {
        let l = local(instant, zone)
        return two(l.hour) + ":" + two(l.minute)
    }

    /// `24 Nov 18:03`.
    static func dayAndTime(_ instant: Date, _ zone: TimeZone) -> String {
        let l = local(instant, zone)
        return String(l.date.day) + " " + monthNames[l.date.month - 1] + " " + two(l.hour) + ":" + two(l.minute)
    }

    /// `Tue 24 Nov 2026 07:00`.
    static func fullDateTime(_ instant: Date, _ zone: TimeZone) -> String {
        let l = local(instant, zone)
        return weekdayNames[l.date.weekday] + " " + String(l.date.day) + " " + monthNames[l.date.month - 1] + " "
            + String(l.date.year) + " " + two(l.hour) + ":" + two(l.minute)
    }

    /// `Wednesday 25 November 2026` (the weekday spelled out).
    static func longDate(_ date: DigestDate) -> String {
        let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
        return weekdays[date.weekday] + " " + String(date.day) + " " + longMonthNames[date.month - 1] + " "
            + String(date.year)
    }

    /// `UTC+02:00`, `UTC−03:30`, `UTC`.
    static func utcOffset(_ seconds: Int) -> String {
        if seconds == 0 { return "UTC" }
        let a = abs(seconds)
        return "UTC" + (seconds < 0 ? "−" : "+") + two(a / 3600) + ":" + two(a % 3600 / 60)
    }

    /// `24 hours`, `23 hours`, `24.5 hours`.
    static func hours(_ duration: TimeInterval) -> String {
        let halves = Int((duration / 1800).rounded())
        return (halves % 2 == 0 ? String(halves / 2) : String(halves / 2) + ".5") + " hours"
    }

    /// `Items first seen from Tue 24 Nov 2026 07:00 to Wed 25 Nov 2026 07:00, Asia/Jerusalem time (UTC+02:00),
    /// 24 hours.` The zone identifier is an IANA name (letters, digits, `/_+-`), safe in both formats.
    static func periodSentence(_ period: DigestPeriod) -> String {
        let zone = period.timeZone
        let startOffset = utcOffset(zone.secondsFromGMT(for: period.start))
        let endOffset = utcOffset(zone.secondsFromGMT(for: period.end))
        let offsets = startOffset == endOffset ? startOffset : startOffset + " to " + endOffset
        return "Items first seen from " + fullDateTime(period.start, zone) + " to " + fullDateTime(period.end, zone)
            + ", " + zone.displayName + " time (" + offsets + "), " + hours(period.duration) + "."
    }

    /// `8.4` — one decimal, rounded half up, no locale.
    static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        return sign + String(abs(tenths) / 10) + "." + String(abs(tenths) % 10)
    }

    /// `1 item`, `3 items`.
    static func count(_ n: Int, _ singular: String, _ plural: String) -> String {
        String(n) + " " + (n == 1 ? singular : plural)
    }

    /// `+43%`, `−20%`, `±0%` of `value` against `average`; `nil` without a positive average.
    static func change(_ value: Int, against average: Double?) -> String? {
        guard let average, average > 0 else { return nil }
        let pct = Int(((Double(value) - average) / average * 100).rounded())
        return pct == 0 ? "±0%" : (pct > 0 ? "+" : "−") + String(abs(pct)) + "%"
    }

    /// `12 items in 5 stories` (numbers only, so safe in both formats).
    static func counts(_ topic: DigestTopic) -> String {
        count(topic.itemCount, "item", "items") + " in " + count(topic.storyCount, "story", "stories")
    }

    /// `7-day average: 8.4 items, 3.1 stories (items +43%)`, or a note that there is no average yet.
    static func average(_ topic: DigestTopic) -> String {
        guard let items = topic.averageItemCount else { return "no 7-day average yet" }
        var s = "7-day average: " + oneDecimal(items) + " items"
        if let stories = topic.averageStoryCount { s += ", " + oneDecimal(stories) + " stories" }
        if let c = change(topic.itemCount, against: items) { s += " (items " + c + ")" }
        return s
    }

    /// Feed text made safe to place on one line: control characters and line breaks become spaces,
    /// runs of white space collapse, ends are trimmed.
    static func oneLine(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            let isSpace =
                scalar.properties.isWhitespace || scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
                || scalar == "\u{2028}" || scalar == "\u{2029}"
            if isSpace {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace {
                out += " "
                pendingSpace = false
            }
            out.unicodeScalars.append(scalar)
        }
        return out
    }

    /// At most `limit` characters of one-line text, cut at a word boundary with `…` when shortened.
    static func summary(_ text: String?, limit: Int = 300) -> String? {
        guard let text else { return nil }
        let flat = oneLine(text)
        if flat.isEmpty { return nil }
        if flat.count <= limit { return flat }
        var cut = String(flat.prefix(limit - 1))
        if let space = cut.lastIndex(of: " "), cut.distance(from: cut.startIndex, to: space) > limit / 2 {
            cut = String(cut[..<space])
        }
        while let last = cut.last, last == " " || last == "," || last == ";" || last == ":" { cut.removeLast() }
        return cut + "…"
    }

    /// `link` when it is an absolute `http(s)` URL with no white space or control characters; `nil` otherwise,
    /// so `javascript:`, `data:` and relative links are never emitted as links.
    static func webLink(_ link: String?) -> String? {
        guard let link else { return nil }
        let lower = link.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), link.utf8.count > 8 else { return nil }
        for scalar in link.unicodeScalars
        where scalar.value <= 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.properties.isWhitespace {
            return nil
        }
        return link
    }
}

extension TimeZone {
    /// The zone's IANA name for people to read. Foundation on Linux reports `UTC` as `GMT`; the config (and the
    /// contract's default) says UTC, so that is what digests and summaries show.
    package var displayName: String { identifier == "GMT" ? "UTC" : identifier }
}
