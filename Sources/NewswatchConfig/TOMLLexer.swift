/// TOML's string and comment rules, shared by the scanners that read a config's text before TOMLKit does
/// (`TOMLNestingGuard`, `ConfigKeyLocator`): where a string or a comment starts and where it ends, in UTF-8 bytes.
enum TOMLLexer {
    /// The opening delimiter of a string.
    struct Delimiter: Equatable {
        /// `"` (basic: backslash escapes) or `'` (literal).
        var quote: UInt8
        /// `"""` or `'''`: the string may span lines.
        var multiLine: Bool
        /// The delimiter's length in bytes.
        var count: Int { multiLine ? 3 : 1 }
    }

    /// `#`: a comment runs to the end of the line.
    static let comment = UInt8(ascii: "#")

    /// The delimiter of a string opening at `i`, `nil` when none does.
    static func delimiter(at i: Int, in b: UnsafeBufferPointer<UInt8>) -> Delimiter? {
        let c = b[i]
        guard c == 0x22 || c == 0x27 else { return nil }
        return Delimiter(quote: c, multiLine: i + 2 < b.count && b[i + 1] == c && b[i + 2] == c)
    }

    /// Where a string whose body starts at `i` ends: just past its closing delimiter (`closed`), or, unclosed, at
    /// the end of `b` or (one-line strings) at the newline that ends it. A multi-line string's closing delimiter
    /// takes up to two more quotes with it (they belong to the string). `newline` is called at each line break
    /// inside the string.
    static func endOfString(
        _ b: UnsafeBufferPointer<UInt8>, from i: Int, _ d: Delimiter, newline: (Int) -> Void = { _ in }
    ) -> (end: Int, closed: Bool) {
        var i = i
        while i < b.count {
            let c = b[i]
            if c == 0x5C, d.quote == 0x22 {  // an escape in a basic string (a line-ending one too)
                if i + 1 < b.count, b[i + 1] == 0x0A { newline(i + 1) }
                i += 2
                continue
            }
            if c == 0x0A {
                if !d.multiLine { return (i, false) }
                newline(i)
            }
            if c == d.quote, !d.multiLine || (i + 2 < b.count && b[i + 1] == c && b[i + 2] == c) {
                i += d.count
                if d.multiLine {
                    var extra = 0
                    while extra < 2, i < b.count, b[i] == c {
                        i += 1
                        extra += 1
                    }
                }
                return (i, true)
            }
            i += 1
        }
        return (b.count, false)
    }

    /// Where a comment starting at `i` ends: at its newline, or the end of `b`.
    static func endOfComment(_ b: UnsafeBufferPointer<UInt8>, from i: Int) -> Int {
        var i = i
        while i < b.count, b[i] != 0x0A { i += 1 }
        return i
    }
}
