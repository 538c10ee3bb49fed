import CLibXML2

/// How an HTML element contributes to plain text.
enum HTMLElementClass: Sendable {
    /// Text flows through (`a`, `b`, `span`, …).
    case inline
    /// Separates words (`p`, `div`, `br`, `li`, …).
    case block
    /// Its content is never text (`script`, `style`, `iframe`, `object`, …).
    case drop

    private static let inlineKeys: Set<UInt64> = Set(
        [
            "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font", "i",
            "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt",
            "u", "var", "wbr", "nobr", "img", "label", "output",
        ].map(key))

    private static let dropKeys: Set<UInt64> = Set(
        [
            "script", "style", "iframe", "object", "embed", "applet", "template", "noscript", "svg", "math", "head",
            "select", "canvas", "audio", "video",
        ].map(key))

    /// An element name (at most eight bytes, lower case) packed into an integer; 0 for longer names.
    static func key(_ name: String) -> UInt64 {
        let b = Array(name.utf8)
        guard b.count <= 8 else { return 0 }
        return b.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Classifies a packed name key (see `key`); longer names are blocks.
    init(key: UInt64) {
        // Every tag of every description comes here: an open-addressed table with a multiplicative hash, not
        // the two `Set` lookups (SipHash) it replaces, which cost more than the rest of the tag's scan.
        guard key != 0 else {
            self = .block
            return
        }
        var i = Self.slot(key)
        while true {
            let entry = Self.table[i]
            if entry.key == key {
                self = entry.kind
                return
            }
            if entry.key == 0 {
                self = .block
                return
            }
            i = (i + 1) & (Self.tableSize - 1)
        }
    }

    private static let tableSize = 256

    @inline(__always)
    private static func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 56) }

    /// The inline and drop keys; an empty slot (key 0) ends a probe.
    private static let table: [(key: UInt64, kind: HTMLElementClass)] = {
        var t = [(key: UInt64, kind: HTMLElementClass)](repeating: (0, .block), count: tableSize)
        for (keys, kind) in [(inlineKeys, HTMLElementClass.inline), (dropKeys, .drop)] {
            for k in keys where k != 0 {
                var i = slot(k)
                while t[i].key != 0 { i = (i + 1) & (tableSize - 1) }
                t[i] = (k, kind)
            }
        }
        return t
    }()

    /// Classifies a NUL-terminated element name, in any case.
    init(name: UnsafePointer<UInt8>) {
        var k: UInt64 = 0
        var n = 0
        while name[n] != 0 {
            if n == 8 {
                k = 0
                break
            }
            let c = name[n]
            k = k << 8 | UInt64(c &- 0x41 < 26 ? c | 0x20 : c)
            n += 1
        }
        self.init(key: k)
    }

    private static let commonTags: Set<UInt64> = Set(
        [
            "p", "br", "a", "b", "i", "em", "strong", "div", "span", "img", "ul", "ol", "li", "h1", "h2", "h3", "h4",
            "h5", "h6", "table", "tr", "td", "font", "iframe", "script", "style", "figure", "hr",
        ].map(key))

    /// Whether text still holds HTML tags (`<p>`, `</a>`, `<br/>`, `<img src=…>`): the sign of double escaping.
    static func looksLikeMarkup(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < b.count {
            if b[i] == 0x3C {
                var j = i + 1
                if j < b.count, b[j] == 0x2F { j += 1 }
                let s = j
                var k: UInt64 = 0
                while j < b.count, j - s < 8, FeedDate.isLetter(b[j]) || FeedDate.isDigit(b[j]) {
                    k = k << 8 | UInt64(b[j] | (FeedDate.isLetter(b[j]) ? 0x20 : 0))
                    j += 1
                }
                if j > s, j < b.count, b[j] == 0x3E || b[j] == 0x20 || b[j] == 0x2F, commonTags.contains(k) {
                    return true
                }
            }
            i += 1
        }
        return false
    }
}
