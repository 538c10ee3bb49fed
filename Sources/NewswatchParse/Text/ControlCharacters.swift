/// Removes control characters from parsed values, so that no feed can write terminal escapes (`ESC [2J`,
/// OSC 8 hyperlinks, OSC 52 clipboard writes) into `parse`, `match`, `status`, logs, alerts or digests.
///
/// Removed: C0 (U+0000–U+001F, tab and newline too: parsed values are single-line, white space already
/// collapsed), DEL (U+007F) and C1 (U+0080–U+009F). Everything else is kept byte for byte.
enum ControlCharacters {
    /// `s` without control characters; `s` itself (no copy) when it has none.
    static func removed(from s: String) -> String {
        guard contains(s) else { return s }
        var s = s
        return s.withUTF8 { b in
            var out: [UInt8] = []
            out.reserveCapacity(b.count)
            var i = 0
            while i < b.count {
                let c = b[i]
                if c < 0x20 || c == 0x7F {
                    i += 1
                } else if c == 0xC2, i + 1 < b.count, b[i + 1] < 0xA0 {
                    i += 2  // U+0080–U+009F: C2 80 … C2 9F
                } else {
                    out.append(c)
                    i += 1
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Removes the control characters of an optional value; a value left empty becomes `nil`.
    static func removed(from s: String?) -> String? {
        guard let s else { return nil }
        let r = removed(from: s)
        return r.isEmpty ? nil : r
    }

    /// Whether `s` holds a control character.
    static func contains(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { firstControl($0) != nil }
    }

    /// The offset of the first control character in UTF-8 `b`, or `nil`.
    static func firstControl(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let p = b.baseAddress else { return nil }
        let n = b.count
        var i = 0
        while i < n {
            if i + 8 <= n, ByteWords.allPrintable(ByteWords.load(p + i)) {
                i += 8
                continue
            }
            let c = p[i]
            i += 1
            if c &- 0x20 < 0x5F { continue }  // printable ASCII, almost every byte: one comparison
            if c < 0x20 || c == 0x7F || (c == 0xC2 && i < n && p[i] < 0xA0) { return i - 1 }
        }
        return nil
    }
}
