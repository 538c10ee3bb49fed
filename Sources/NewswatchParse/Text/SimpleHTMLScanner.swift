import CLibXML2

/// The fast path of HTML-to-text for the markup feeds actually carry: tags with attributes, comments,
/// entities, `script`/`style`/`iframe` bodies.
///
/// It produces the same text libxml2's HTML parser does (a test holds it to that) and gives up —
/// returning `false` so the caller runs libxml2 — on anything where tag soup rules could matter:
/// unterminated tags or comments, `<!DOCTYPE`, CDATA, processing instructions, `<` not starting a tag,
/// unknown entities, other non-text elements. Named entities come from libxml2's own table.
enum SimpleHTMLScanner {
    /// Appends the text of `b` to `out` (white space not collapsed); `false` when libxml2 must decide.
    static func text<Sink: HTMLTextSink>(_ b: UnsafeBufferPointer<UInt8>, into out: inout Sink) -> Bool {
        guard let base = b.baseAddress else { return true }
        let n = b.count
        var i = 0
        var runStart = 0
        @inline(__always) func flush(_ end: Int) {
            if end > runStart { out.appendRun(base + runStart, end - runStart) }
        }
        while i < n {
            // Raw pointer reads in the text runs, which are most of the bytes (buffer bounds checks stay on in -O).
            if i + 8 <= n {
                let w = ByteWords.load(base + i)
                if !ByteWords.contains(w, 0x3C) && !ByteWords.contains(w, 0x26) {
                    i += 8
                    continue
                }
            }
            let c = base[i]
            if c != 0x3C && c != 0x26 {
                i += 1
                continue
            }
            flush(i)
            if c == 0x26 {
                guard let next = entity(b, i, &out) else { return false }
                i = next
            } else {
                guard let next = tag(b, i, &out) else { return false }
                i = next
            }
            runStart = i
        }
        flush(n)
        return true
    }

    /// The plain text of `b` — what `TextCleaner.clean` makes of `text(_:into:)`'s bytes — written straight into
    /// the `String`'s storage in the same pass; `nil` when the scanner declines, or when a decoded `<` leaves the
    /// caller to decide whether the publisher escaped the HTML twice.
    static func plainText(_ b: UnsafeBufferPointer<UInt8>) -> String? {
        guard let base = b.baseAddress else { return "" }
        // The scanner's bytes are never more than its input (a reference is longer than its UTF-8, a tag than its
        // space); cleaning grows them by at most half, and the writer asks for a byte more per piece.
        let capacity = b.count + b.count / 2 + 4
        var complete = true
        let text = String(unsafeUninitializedCapacity: capacity) { buffer in
            guard let out = buffer.baseAddress else {
                complete = false
                return 0
            }
            var writer = CleanWriter(out, capacity: capacity)
            // `text(_:into:)`'s loop, with the text between tags and references cleaned as it is searched.
            let n = b.count
            var i = 0
            while i < n {
                i += writer.writeText(base + i, n - i)
                guard i < n else { break }
                let next: Int?
                switch base[i] {
                case 0x26: next = entity(b, i, &writer)
                case 0x3C: next = tag(b, i, &writer)
                default: next = nil  // a truncated UTF-8 sequence: never in parsed text, but the two passes decide
                }
                guard let next else {
                    complete = false
                    return 0
                }
                i = next
            }
            guard !writer.overflowed, !writer.sawLessThan else {
                complete = false
                return 0
            }
            return writer.count
        }
        return complete ? text : nil
    }

    /// Decodes the reference at `i` (an `&`); returns the index after it, or `nil` to give up.
    private static func entity<Sink: HTMLTextSink>(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ out: inout Sink) -> Int?
    {
        let n = b.count
        var j = i + 1
        guard j < n else { return nil }
        if b[j] == 0x23 {  // &#…;
            j += 1
            var hex = false
            if j < n, b[j] | 0x20 == 0x78 {
                hex = true
                j += 1
            }
            var v: UInt32 = 0
            let s = j
            while j < n, j - s < 8 {
                let d = b[j]
                if FeedDate.isDigit(d) {
                    v = v * (hex ? 16 : 10) + UInt32(d - 48)
                } else if hex, (d | 0x20) &- 0x61 < 6 {
                    v = v * 16 + UInt32((d | 0x20) - 0x61 + 10)
                } else {
                    break
                }
                j += 1
            }
            guard j > s, j < n, b[j] == 0x3B, isXMLChar(v) else { return nil }
            out.appendScalar(v)
            return j + 1
        }
        let s = j
        while j < n, j - s < 32, FeedDate.isLetter(b[j]) || FeedDate.isDigit(b[j]) { j += 1 }
        if j == s {
            out.appendByte(0x26)  // a lone '&' is text
            return i + 1
        }
        guard j < n, b[j] == 0x3B, FeedDate.isLetter(b[s]) else { return nil }
        var name = [UInt8](b[s..<j])
        name.append(0)
        guard let desc = name.withUnsafeBufferPointer({ htmlEntityLookup($0.baseAddress) }), desc.pointee.value > 0
        else { return nil }
        out.appendScalar(desc.pointee.value)
        return j + 1
    }

    /// Reads the tag, comment or raw-text element at `i` (a `<`); returns the index after it, or `nil`.
    private static func tag<Sink: HTMLTextSink>(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ out: inout Sink) -> Int? {
        let n = b.count
        var j = i + 1
        guard j < n else { return nil }
        if b[j] == 0x21 {  // "<!--" comments only
            guard j + 2 < n, b[j + 1] == 0x2D, b[j + 2] == 0x2D else { return nil }
            j += 3
            while j + 2 < n {
                if b[j] == 0x2D, b[j + 1] == 0x2D, b[j + 2] == 0x3E { return j + 3 }
                j += 1
            }
            return nil
        }
        let closing = b[j] == 0x2F
        if closing { j += 1 }
        guard j < n, FeedDate.isLetter(b[j]) else { return nil }
        let nameStart = j
        while j < n, isNameByte(b[j]) { j += 1 }
        let nameEnd = j
        let key = nameKey(b, nameStart, nameEnd)
        // Attributes: names, '=', quoted or bare values; '>' inside quotes does not end the tag.
        var selfClosing = false
        while true {
            while j < n, FeedDate.isSpace(b[j]) { j += 1 }
            guard j < n else { return nil }
            let c = b[j]
            if c == 0x3E {
                j += 1
                break
            }
            if c == 0x2F {
                selfClosing = true
                j += 1
                continue
            }
            if c == 0x3C { return nil }
            selfClosing = false
            while j < n, !FeedDate.isSpace(b[j]), b[j] != 0x3D, b[j] != 0x3E, b[j] != 0x2F, b[j] != 0x3C { j += 1 }
            while j < n, FeedDate.isSpace(b[j]) { j += 1 }
            guard j < n else { return nil }
            if b[j] == 0x3D {
                j += 1
                while j < n, FeedDate.isSpace(b[j]) { j += 1 }
                guard j < n else { return nil }
                if b[j] == 0x22 || b[j] == 0x27 {
                    let q = b[j]
                    j += 1
                    while j < n, b[j] != q { j += 1 }
                    guard j < n else { return nil }
                    j += 1
                } else {
                    while j < n, !FeedDate.isSpace(b[j]), b[j] != 0x3E { j += 1 }
                }
            }
        }
        switch HTMLElementClass(key: key) {
        case .inline:
            return j
        case .block:
            out.appendByte(0x20)
            return j
        case .drop:
            guard !closing else { return j }
            guard !selfClosing, key == scriptKey || key == styleKey || key == iframeKey else { return nil }
            // Raw text: skip to the matching end tag.
            return skipRawText(b, j, nameStart, nameEnd)
        }
    }

    private static func skipRawText(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ ns: Int, _ ne: Int) -> Int? {
        let n = b.count
        let len = ne - ns
        var j = from
        while j + 1 < n {
            if b[j] == 0x3C, b[j + 1] == 0x2F, j + 2 + len <= n {
                var same = true
                for k in 0..<len where b[j + 2 + k] | 0x20 != b[ns + k] | 0x20 {
                    same = false
                    break
                }
                if same {
                    var e = j + 2 + len
                    while e < n, b[e] != 0x3E { e += 1 }
                    return e < n ? e + 1 : nil
                }
            }
            j += 1
        }
        return nil
    }

    @inline(__always) private static func isNameByte(_ c: UInt8) -> Bool {
        FeedDate.isLetter(c) || FeedDate.isDigit(c) || c == 0x3A || c == 0x2D || c == 0x5F || c == 0x2E
    }

    @inline(__always) private static func isXMLChar(_ v: UInt32) -> Bool {
        v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v < 0xD800) || (v >= 0xE000 && v <= 0xFFFD)
            || (v >= 0x10000 && v <= 0x10FFFF)
    }

    /// Up to eight lower-cased name bytes packed into an integer; 0 for longer names (all of them block).
    @inline(__always) private static func nameKey(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> UInt64 {
        guard e - s <= 8 else { return 0 }
        var k: UInt64 = 0
        for i in s..<e {
            let c = b[i]
            k = k << 8 | UInt64(c &- 0x41 < 26 ? c | 0x20 : c)
        }
        return k
    }

    static let scriptKey = HTMLElementClass.key("script")
    static let styleKey = HTMLElementClass.key("style")
    static let iframeKey = HTMLElementClass.key("iframe")
}
