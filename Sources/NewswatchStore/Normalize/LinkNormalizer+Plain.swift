extension LinkNormalizer {
    /// The normalised form of a link no rule changes beyond the scheme — `http(s)://host/path` with a lowercase
    /// host that has no `www.`/`amp.` prefix, port, user-info, query or fragment, a path without empty segments,
    /// trailing slash, segment starting `amp` or `.amp` — in one pass over its bytes; `nil` for every other link
    /// (then `slowNormalize` decides). Most item links are like that; a cold round normalises 120,000 (issue 18).
    static func plainNormalized(_ link: String) -> String? {
        var link = link
        return link.withUTF8 { bytes -> String? in
            let n = bytes.count
            var i: Int
            if n > 8, bytes[4] == UInt8(ascii: "s"), bytes[5] == UInt8(ascii: ":") {
                i = 8
            } else if n > 7, bytes[4] == UInt8(ascii: ":") {
                i = 7
            } else {
                return nil
            }
            guard bytes[0] == UInt8(ascii: "h"), bytes[1] == UInt8(ascii: "t"), bytes[2] == UInt8(ascii: "t"),
                bytes[3] == UInt8(ascii: "p"), bytes[i - 2] == UInt8(ascii: "/"), bytes[i - 1] == UInt8(ascii: "/")
            else { return nil }
            let hostStart = i
            // Host: lowercase letters, digits, dots and dashes only (no port, user-info, IPv6, upper case).
            while i < n, bytes[i] != UInt8(ascii: "/") {
                let b = bytes[i]
                guard (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || b == 46 || b == 45 else { return nil }
                // `.amp…` may be the AMP cache (`….cdn.ampproject.org`).
                if b == 46 && isAmp(bytes, from: i + 1) { return nil }
                i += 1
            }
            guard i > hostStart, bytes[i - 1] != 46 else { return nil }
            if i - hostStart >= 4, bytes[hostStart + 3] == 46 {
                let w = (bytes[hostStart], bytes[hostStart + 1], bytes[hostStart + 2])
                if w == (119, 119, 119) || w == (97, 109, 112) { return nil }  // www. and amp.
            }
            // Path: printable ASCII without `?` or `#`, no `//`, no trailing `/`, no `amp` segment and no `.amp`.
            var segmentStart = i
            while i < n {
                let b = bytes[i]
                guard b > 32, b < 127, b != UInt8(ascii: "?"), b != UInt8(ascii: "#") else { return nil }
                if b == UInt8(ascii: "/") {
                    if i == segmentStart + 1 || isAmp(bytes, from: segmentStart + 1) { return nil }
                    segmentStart = i
                } else if b == 46, isAmp(bytes, from: i + 1) {
                    return nil
                }
                i += 1
            }
            if segmentStart == n - 1 || isAmp(bytes, from: segmentStart + 1) { return nil }
            let rest = UnsafeBufferPointer(rebasing: bytes[hostStart...])
            return String(unsafeUninitializedCapacity: 8 + rest.count) { out in
                let scheme: StaticString = "https://"
                for k in 0..<8 { out[k] = scheme.utf8Start[k] }
                _ = UnsafeMutableBufferPointer(rebasing: out[8...]).initialize(from: rest)
                return 8 + rest.count
            }
        }
    }

    /// Whether `amp`, in any case, starts at `start` (the AMP rules look at such segments and suffixes).
    private static func isAmp(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        start + 2 < bytes.count && bytes[start] | 0x20 == 97 && bytes[start + 1] | 0x20 == 109
            && bytes[start + 2] | 0x20 == 112
    }
}
