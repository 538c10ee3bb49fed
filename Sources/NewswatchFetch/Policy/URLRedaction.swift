/// Removing credentials from URLs before they reach a message, a log line or a stored field.
///
/// Byte-level scanning: these run for every request, and Foundation's string search is slow on Linux.
public enum URLRedaction {
    /// `https://user:secret@host/x` → `https://***@host/x`; other URLs unchanged.
    public static func redact(_ url: String) -> String {
        let bytes = Array(url.utf8)
        guard let authority = authorityRange(bytes), let at = bytes[authority].lastIndex(of: UInt8(ascii: "@"))
        else { return url }
        return String(decoding: bytes[..<authority.lowerBound], as: UTF8.self) + "***"
            + String(decoding: bytes[at...], as: UTF8.self)
    }

    /// The `host:port` a URL connects to, lowercased, with the scheme's default port; nil for a URL without host.
    static func hostKey(_ url: String) -> String? {
        let bytes = Array(url.utf8)
        guard let authority = authorityRange(bytes) else { return nil }
        var start = authority.lowerBound
        if let at = bytes[authority].lastIndex(of: UInt8(ascii: "@")) { start = at + 1 }
        guard start < authority.upperBound else { return nil }
        var host = bytes[start..<authority.upperBound].map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
        let closing = host.lastIndex(of: UInt8(ascii: "]")) ?? -1
        let hasPort = (host.lastIndex(of: UInt8(ascii: ":")) ?? -1) > closing
        if !hasPort {
            let https = scheme(bytes, authority.lowerBound).elementsEqual("https".utf8)
            host.append(contentsOf: (https ? ":443" : ":80").utf8)
        }
        return String(decoding: host, as: UTF8.self)
    }

    /// The scheme of an absolute URL, lowercased (`http`), or nil when there is no `scheme://`.
    static func scheme(_ url: String) -> String? {
        let bytes = Array(url.utf8)
        guard let authority = authorityRange(bytes) else { return nil }
        return String(decoding: scheme(bytes, authority.lowerBound), as: UTF8.self)
    }

    private static func scheme(_ bytes: [UInt8], _ authorityStart: Int) -> [UInt8] {
        bytes[..<(authorityStart - 3)].map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
    }

    /// The bytes between `scheme://` and the first `/`, `?` or `#`.
    private static func authorityRange(_ bytes: [UInt8]) -> Range<Int>? {
        var i = 0
        while i < bytes.count && bytes[i] != UInt8(ascii: ":") {
            // A scheme is letters, digits, +, -, . (RFC 3986 §3.1); anything else means there is none.
            let b = bytes[i]
            let isSchemeByte =
                (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) || b == 43 || b == 45 || b == 46
            guard isSchemeByte else { return nil }
            i += 1
        }
        guard i > 0, i + 2 < bytes.count, bytes[i + 1] == UInt8(ascii: "/"), bytes[i + 2] == UInt8(ascii: "/") else {
            return nil
        }
        let start = i + 3
        var end = start
        while end < bytes.count {
            let b = bytes[end]
            if b == UInt8(ascii: "/") || b == UInt8(ascii: "?") || b == UInt8(ascii: "#") { break }
            end += 1
        }
        return start..<end
    }
}
