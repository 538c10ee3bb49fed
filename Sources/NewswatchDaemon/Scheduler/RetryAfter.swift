import Foundation
import NewswatchCore

/// The `Retry-After` header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
public enum RetryAfter {
    /// The delay in seconds from `now` that `value` asks for; `nil` when it is neither form.
    /// A date in the past means "now" (0).
    public static func parse(_ value: String, now: Date) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            // Absurd values are clamped by the policy; only overflow matters here.
            return Double(text.prefix(12)).map { text.count > 12 ? Double.greatestFiniteMagnitude : $0 }
        }
        guard let date = httpDate(text) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    /// IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT` (the form RFC 9110 requires senders to use).
    static func httpDate(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT" else { return nil }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard let day = Int64(parts[1]), (1...31).contains(day),
            let monthIndex = months.firstIndex(of: String(parts[2])),
            let year = Int64(parts[3]), parts[3].count == 4
        else { return nil }
        let hms = parts[4].split(separator: ":")
        guard hms.count == 3, let h = Int64(hms[0]), let m = Int64(hms[1]), let s = Int64(hms[2]), h < 24, m < 60,
            s < 61
        else { return nil }
        return Timestamp.date(year: year, month: Int64(monthIndex + 1), day: day, hour: h, minute: m, second: s)
    }
}
