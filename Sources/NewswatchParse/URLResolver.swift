import CLibXML2

/// Makes feed links absolute (RFC 3986 reference resolution, by libxml2's `xmlBuildURI`).
enum URLResolver {
    /// `ref` resolved against `base`; `ref` unchanged when it is already absolute or there is no base.
    static func resolve(_ ref: String, against base: String?) -> String {
        guard let base, !base.isEmpty, !ref.isEmpty, !hasScheme(ref) else { return ref }
        guard let built = xmlBuildURI(ref, base) else { return ref }
        defer { nw_xml_free(built) }
        return String(cString: built)
    }

    /// Whether a reference starts with `scheme:` (RFC 3986 §3.1).
    static func hasScheme(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { hasScheme($0) }
    }

    /// Whether UTF-8 `b` starts with `scheme:`.
    static func hasScheme(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var first = true
        for c in b {
            if first {
                guard FeedDate.isLetter(c) else { return false }
                first = false
                continue
            }
            if c == 0x3A { return true }
            guard FeedDate.isLetter(c) || FeedDate.isDigit(c) || c == 0x2B || c == 0x2D || c == 0x2E else {
                return false
            }
        }
        return false
    }
}
