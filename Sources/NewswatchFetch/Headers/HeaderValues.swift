import Foundation
import NewswatchCore

/// Reading the parameters poller code needs out of single header values.
public enum HeaderValues {
    /// The `charset` parameter of a `Content-Type` value, unquoted and trimmed; nil when absent or empty.
    public static func charset(fromContentType value: String) -> String? {
        parameter("charset", in: value, separator: UInt8(ascii: ";"), skipFirst: true)
    }

    /// `max-age` (seconds) of a `Cache-Control` value, at most `TimeBounds.maximumServerDelay` (7 days); nil when
    /// absent or not a number.
    public static func maxAge(fromCacheControl value: String) -> Int? {
        guard let text = parameter("max-age", in: value, separator: UInt8(ascii: ","), skipFirst: false) else {
            return nil
        }
        guard text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        // A number too long for any integer still means "much later": the cap, not a failure.
        return min(Int(text) ?? Int.max, Int(TimeBounds.maximumServerDelay))
    }

    /// An `Expires` value: its date, at most `TimeBounds.maximumServerDelay` after `now` (the response's `Date`,
    /// else when it arrived), or the epoch for an invalid one (RFC 9111 §5.3: "already expired").
    public static func expires(_ value: String, now: Date = Date()) -> Date {
        guard let date = HTTPDate.parse(value) else { return Date(timeIntervalSince1970: 0) }
        return min(date, now.addingTimeInterval(TimeBounds.maximumServerDelay))
    }

    /// The value of `name=value` among `separator`-separated parts (bytes; names compared ignoring ASCII case).
    private static func parameter(_ name: String, in value: String, separator: UInt8, skipFirst: Bool) -> String? {
        let key = Array(name.utf8)
        let bytes = Array(value.utf8)
        var partStart = 0
        var first = true
        while partStart <= bytes.count {
            let partEnd = bytes[partStart...].firstIndex(of: separator) ?? bytes.count
            defer { partStart = partEnd + 1 }
            if first && skipFirst {
                first = false
                continue
            }
            first = false
            let part = bytes[partStart..<partEnd]
            guard let equals = part.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let k = trim(part[..<equals])
            guard k.count == key.count, zip(k, key).allSatisfy({ lower($0) == lower($1) }) else { continue }
            var v = trim(part[(equals + 1)...])
            if v.count >= 2, v.first == UInt8(ascii: "\""), v.last == UInt8(ascii: "\"") {
                v = trim(v.dropFirst().dropLast())
            }
            return v.isEmpty ? nil : String(decoding: v, as: UTF8.self)
        }
        return nil
    }

    private static func trim(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = s
        while let f = s.first, f == 32 || f == 9 { s.removeFirst() }
        while let l = s.last, l == 32 || l == 9 { s.removeLast() }
        return s
    }

    private static func lower(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b | 0x20 : b }
}
