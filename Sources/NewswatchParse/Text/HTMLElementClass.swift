import CLibXML2

/// How an HTML element contributes to plain text.
enum HTMLElementClass: Sendable {
    /// Text flows through (`a`, `b`, `span`, …).
    case inline
    /// Separates words (`p`, `div`, `br`, `li`, …).
    case block
    /// Its content is never text (`script`, `style`, `iframe`, `object`, …).
    case drop

    private static let inlineNames: Set<[UInt8]> = Set(
        [
            "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font", "i",
            "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt",
            "u", "var", "wbr", "nobr", "img", "label", "output",
        ].map { Array($0.utf8) })

    private static let dropNames: Set<[UInt8]> = Set(
        [
            "script", "style", "iframe", "object", "embed", "applet", "template", "noscript", "svg", "math", "head",
            "select", "canvas", "audio", "video",
        ].map { Array($0.utf8) })

    /// Classifies a (lower-case, NUL-terminated) element name.
    init(name: UnsafePointer<UInt8>) {
        var n = 0
        while name[n] != 0, n < 32 { n += 1 }
        let bytes = Array(UnsafeBufferPointer(start: name, count: n)).map { $0 | ($0 &- 0x41 < 26 ? 0x20 : 0) }
        if Self.inlineNames.contains(bytes) {
            self = .inline
        } else if Self.dropNames.contains(bytes) {
            self = .drop
        } else {
            self = .block
        }
    }

    init(name: [UInt8]) {
        let bytes = name.map { $0 | ($0 &- 0x41 < 26 ? 0x20 : 0) }
        if Self.inlineNames.contains(bytes) {
            self = .inline
        } else if Self.dropNames.contains(bytes) {
            self = .drop
        } else {
            self = .block
        }
    }

    private static let commonTags: Set<[UInt8]> = Set(
        [
            "p", "br", "a", "b", "i", "em", "strong", "div", "span", "img", "ul", "ol", "li", "h1", "h2", "h3", "h4",
            "h5", "h6", "blockquote", "table", "tr", "td", "font", "iframe", "script", "style", "figure", "hr",
        ].map { Array($0.utf8) })

    /// Whether text still holds HTML tags (`<p>`, `</a>`, `<br/>`, `<img src=…>`): the sign of double escaping.
    static func looksLikeMarkup(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < b.count {
            if b[i] == 0x3C {
                var j = i + 1
                if j < b.count, b[j] == 0x2F { j += 1 }
                let s = j
                while j < b.count, j - s < 12, FeedDate.isLetter(b[j]) || FeedDate.isDigit(b[j]) { j += 1 }
                if j > s, j < b.count, b[j] == 0x3E || b[j] == 0x20 || b[j] == 0x2F,
                    commonTags.contains(Array(b[s..<j]).map { $0 | 0x20 })
                {
                    return true
                }
            }
            i += 1
        }
        return false
    }
}
