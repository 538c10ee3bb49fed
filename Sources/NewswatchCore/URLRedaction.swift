import Foundation

/// The one place that takes credentials out of URLs (CONTRACT §4): every URL in an alert, a status line, a digest,
/// a log line, an error or the state database goes through here; only the request itself carries the user-info.
///
/// Three forms, for three uses:
/// - ``redact(_:)`` for showing a feed URL: `https://user:pw@host/feed` → `https://***@host/feed` (the reader sees
///   that the feed is fetched with credentials, and nothing of them);
/// - ``removingUserInfo(_:)`` for identity: the state database keys a feed by its URL without user-info, so the
///   stored key never holds a password and changing the password keeps the feed's history;
/// - ``origin(_:)`` for sinks: `https://hooks.example.org/…`, scheme and host only, because a webhook URL's path and
///   query are often its token (Slack's `/services/T…/B…/X…`, `?token=…`).
///
/// The scanner works on bytes by RFC 3986's authority rules: the authority runs from `//` to the first `/`, `?` or
/// `#`; user-info is everything in it up to its **last** `@` (a raw `@` in a password still ends up hidden). An `@`
/// in the path or query is not user-info; IPv6 literals (`[::1]:8080`) and percent-encoding need no special case
/// because neither can hold a raw `@`. A string without `scheme://` is read as an authority from its start
/// (`user:pw@host/x`, `//user:pw@host`), so a URL written without its scheme is redacted too — except after a
/// scheme that has no authority (`mailto:desk@example.org` stays as it is).
public enum URLRedaction {
    /// The URL with any user-info replaced by `***` (`https://***@host/x`); other URLs unchanged.
    public static func redact(_ url: String) -> String {
        replacingUserInfo(url, with: "***@")
    }

    /// The URL with any user-info (and its `@`) removed: `https://user:pw@host/x` → `https://host/x`.
    public static func removingUserInfo(_ url: String) -> String {
        replacingUserInfo(url, with: "")
    }

    /// Whether the URL carries user-info (a user name, a password or a token before the host).
    public static func hasUserInfo(_ url: String) -> Bool {
        let bytes = Array(url.utf8)
        return userInfoEnd(bytes, authority(bytes).range) != nil
    }

    /// `scheme://host[:port]`, then `/…` when a path, query or fragment follows: enough to recognise where a sink
    /// delivers, nothing that could be its token. `(url)` when the text has no `scheme://host`.
    public static func origin(_ url: String) -> String {
        let bytes = Array(url.utf8)
        let (range, hasScheme) = authority(bytes)
        var hostStart = range.lowerBound
        if let end = userInfoEnd(bytes, range) { hostStart = end + 1 }
        guard hasScheme, hostStart < range.upperBound else { return "(url)" }
        let schemeBytes = lowercased(bytes[..<(range.lowerBound - 3)])
        var out = String(decoding: schemeBytes, as: UTF8.self) + "://"
        out += String(decoding: lowercased(bytes[hostStart..<range.upperBound]), as: UTF8.self)
        let rest = bytes[range.upperBound...]
        if !(rest.isEmpty || rest.elementsEqual("/".utf8)) { out += "/…" }
        return out
    }

    /// `text` with every `scheme://…` in it shortened to its ``origin(_:)``: for free text that may quote a URL
    /// (an error message, a stored delivery error), so no path or query token survives. A URL ends at whitespace,
    /// a quote, `<`, `>` or the end of the text.
    public static func scrubbingURLs(in text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var copied = 0
        var i = 0
        while i + 2 < bytes.count {
            guard bytes[i] == UInt8(ascii: ":"), bytes[i + 1] == UInt8(ascii: "/"), bytes[i + 2] == UInt8(ascii: "/")
            else {
                i += 1
                continue
            }
            var start = i
            while start > copied, isSchemeByte(bytes[start - 1]) { start -= 1 }
            guard start < i, isLetter(bytes[start]) else {
                i += 3
                continue
            }
            var end = i + 3
            while end < bytes.count, !endsURL(bytes[end]) { end += 1 }
            out += bytes[copied..<start]
            out += Array(origin(String(decoding: bytes[start..<end], as: UTF8.self)).utf8)
            copied = end
            i = end
        }
        out += bytes[copied...]
        return String(decoding: out, as: UTF8.self)
    }

    /// `text` with every piece of `url`'s path, query and fragment (the segments, names and values of four bytes or
    /// more, as written and percent-decoded) replaced by `…`: for text a server sent back, which may echo the token
    /// in the URL it was called with.
    public static func hidingPathAndQuery(of url: String, in text: String) -> String {
        let bytes = Array(url.utf8)
        let rest = String(decoding: bytes[authority(bytes).range.upperBound...], as: UTF8.self)
        let separators: Set<Character> = ["/", "?", "&", "=", "#", ";"]
        var pieces = Set<String>()
        for piece in rest.split(whereSeparator: { separators.contains($0) }) where piece.utf8.count >= 4 {
            pieces.insert(String(piece))
            if let decoded = String(piece).removingPercentEncoding, decoded.utf8.count >= 4 { pieces.insert(decoded) }
        }
        var out = text
        for piece in pieces.sorted(by: { $0.utf8.count > $1.utf8.count }) {
            out = out.replacingOccurrences(of: piece, with: "…")
        }
        return out
    }

    /// The `host:port` a URL connects to, lowercased, with the scheme's default port (443 for https, else 80); nil
    /// for a URL without `scheme://host`.
    public static func hostKey(_ url: String) -> String? {
        let bytes = Array(url.utf8)
        let (range, hasScheme) = authority(bytes)
        guard hasScheme else { return nil }
        var start = range.lowerBound
        if let end = userInfoEnd(bytes, range) { start = end + 1 }
        guard start < range.upperBound else { return nil }
        var host = lowercased(bytes[start..<range.upperBound])
        let closing = host.lastIndex(of: UInt8(ascii: "]")) ?? -1
        let hasPort = (host.lastIndex(of: UInt8(ascii: ":")) ?? -1) > closing
        if !hasPort {
            let https = lowercased(bytes[..<(range.lowerBound - 3)]).elementsEqual("https".utf8)
            host.append(contentsOf: (https ? ":443" : ":80").utf8)
        }
        return String(decoding: host, as: UTF8.self)
    }

    /// The scheme of an absolute URL, lowercased (`http`), or nil when there is no `scheme://`.
    public static func scheme(_ url: String) -> String? {
        let bytes = Array(url.utf8)
        let (range, hasScheme) = authority(bytes)
        guard hasScheme else { return nil }
        return String(decoding: lowercased(bytes[..<(range.lowerBound - 3)]), as: UTF8.self)
    }

    // MARK: - Scanning

    private static func replacingUserInfo(_ url: String, with replacement: String) -> String {
        let bytes = Array(url.utf8)
        let range = authority(bytes).range
        guard let end = userInfoEnd(bytes, range) else { return url }
        return String(decoding: bytes[..<range.lowerBound], as: UTF8.self) + replacement
            + String(decoding: bytes[(end + 1)...], as: UTF8.self)
    }

    /// The index of the `@` that ends the user-info inside `range`, if there is one.
    private static func userInfoEnd(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        bytes[range].lastIndex(of: UInt8(ascii: "@"))
    }

    /// The authority's bytes — after `scheme://`, after a leading `//`, or from the start of a scheme-less string —
    /// up to the first `/`, `?` or `#`; `hasScheme` tells whether a `scheme://` came first.
    private static func authority(_ bytes: [UInt8]) -> (range: Range<Int>, hasScheme: Bool) {
        var start = 0
        var hasScheme = false
        var i = 0
        while i < bytes.count, isSchemeByte(bytes[i]) { i += 1 }
        if i > 0, isLetter(bytes[0]), i + 2 < bytes.count, bytes[i] == UInt8(ascii: ":"),
            bytes[i + 1] == UInt8(ascii: "/"), bytes[i + 2] == UInt8(ascii: "/")
        {
            start = i + 3
            hasScheme = true
        } else if bytes.starts(with: "//".utf8) {
            start = 2
        } else if i > 0, i < bytes.count, bytes[i] == UInt8(ascii: ":"),
            opaqueSchemes.contains(String(decoding: lowercased(bytes[..<i]), as: UTF8.self))
        {
            return (i..<i, false)  // `mailto:desk@example.org`: an address, not user-info
        }
        var end = start
        while end < bytes.count {
            let b = bytes[end]
            if b == UInt8(ascii: "/") || b == UInt8(ascii: "?") || b == UInt8(ascii: "#") { break }
            end += 1
        }
        return (start..<end, hasScheme)
    }

    /// Schemes whose URLs have no authority, so an `@` in them is part of an address, not user-info. Any other
    /// `word:` prefix without `//` may be a scheme-less `user:password@host`, and is redacted as one.
    private static let opaqueSchemes: Set<String> = [
        "mailto", "urn", "tel", "sms", "data", "news", "xmpp", "sip", "sips",
    ]

    /// Letters, digits, `+`, `-`, `.` (RFC 3986 §3.1).
    private static func isSchemeByte(_ b: UInt8) -> Bool {
        isLetter(b) || (b >= 48 && b <= 57) || b == 43 || b == 45 || b == 46
    }

    private static func isLetter(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 65 && b <= 90) }

    /// Where a URL quoted in free text ends.
    private static func endsURL(_ b: UInt8) -> Bool {
        b <= 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") || b == UInt8(ascii: "<")
            || b == UInt8(ascii: ">") || b == 0x7F
    }

    private static func lowercased(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        bytes.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
    }
}
