import Foundation

/// Reading the parameters poller code needs out of single header values.
public enum HeaderValues {
    /// The `charset` parameter of a `Content-Type` value, unquoted and trimmed; nil when absent or empty.
    public static func charset(fromContentType value: String) -> String? {
        parameter("charset", in: value.split(separator: ";").dropFirst())
    }

    /// `max-age` (seconds) of a `Cache-Control` value; nil when absent or not a number.
    public static func maxAge(fromCacheControl value: String) -> Int? {
        guard let text = parameter("max-age", in: value.split(separator: ",")) else { return nil }
        guard text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int(text) ?? Int.max
    }

    /// An `Expires` value: its date, or the epoch for an invalid one (RFC 9111 §5.3: "already expired").
    public static func expires(_ value: String) -> Date {
        HTTPDate.parse(value) ?? Date(timeIntervalSince1970: 0)
    }

    private static func parameter(_ name: String, in parts: some Sequence<Substring>) -> String? {
        for part in parts {
            let pieces = part.split(separator: "=", maxSplits: 1)
            guard pieces.count == 2,
                pieces[0].trimmingCharacters(in: .whitespaces).caseInsensitiveCompare(name) == .orderedSame
            else { continue }
            var v = pieces[1].trimmingCharacters(in: .whitespaces)
            if v.count >= 2, v.hasPrefix("\""), v.hasSuffix("\"") { v = String(v.dropFirst().dropLast()) }
            v = v.trimmingCharacters(in: .whitespaces)
            return v.isEmpty ? nil : v
        }
        return nil
    }
}
