/// Refuses TOML that would crash the parser under TOMLKit, before TOMLKit sees it.
///
/// toml++ (under TOMLKit 0.6.0) has three ways to die on a config file instead of reporting an error:
/// - it bounds nested arrays and inline tables (256 levels) but not dotted keys or table headers: `a.a.a…a = 1`
///   with 50,000 parts builds 50,000 nested tables and overflows the stack (SIGSEGV). A key with more than
///   `maxKeyParts` parts is refused. The scan counts `.` outside strings and comments between the separators that
///   end a key (`=`, `,`, brackets, braces, newline); a float value has one dot, a real key a handful.
/// - a table header whose first character is not a key (`[` alone on a line, `[[[t`, `[=]`, `[.a]`) trips an
///   assertion in its `parse_key()` and aborts (SIGABRT; found by `scripts/fuzz.sh config`): a typo that would kill
///   `check-config`, or a daemon reloading the file on SIGHUP. A header is a `[` that starts a line outside any
///   value (arrays and inline tables are tracked by depth, strings and comments skipped); its first character after
///   `[` or `[[` and blanks must start a bare or quoted key, or be `]` (which toml++ reports itself).
/// - an array whose next element starts with `}` (`a = [}]`, `[1, }]`) or with U+0085/U+2028/U+2029 trips its
///   `parse_value()` assertion the same way (found by the same fuzz target after the header fix): such a `}` and those
///   separators outside strings and comments are refused.
enum TOMLNestingGuard {
    /// Far more parts than any key of the config has (`alerts.sinks` has two).
    static let maxKeyParts = 32

    /// What the scan refuses.
    enum Problem: Equatable {
        /// A key with more than `maxKeyParts` dotted parts.
        case tooDeepKey
        /// A table header that does not start with a key.
        case badTableHeader
        /// An array whose next element is `}` (toml++ asserts that a value follows `[` or `,`).
        case missingValue
        /// U+0085, U+2028 or U+2029 outside a string or comment: toml++ counts them as white space it never skips.
        case lineSeparator
    }

    /// The first problem with its 1-based line and column, or `nil`.
    static func problem(in text: String) -> (problem: Problem, line: Int, column: Int)? {
        var text = text
        return text.withUTF8 { scan($0) }
    }

    /// A character that may start a key in a table header: a bare-key character or a string delimiter, or the `]`
    /// of an empty header, which toml++ reports as an error of its own.
    private static func startsHeaderKey(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), 0x22, 0x27, 0x5D:
            true
        default: false
        }
    }

    private static func scan(_ b: UnsafeBufferPointer<UInt8>) -> (problem: Problem, line: Int, column: Int)? {
        let n = b.count
        var i = 0
        var line = 1
        var lineStart = 0
        var dots = 0
        // Open arrays and inline tables of the value being read; a `[` that starts a line at depth 0 is a header.
        // `[` or `{` for each array or inline table open in the value being read (innermost last).
        var containers: [UInt8] = []
        // Just after an array's `[` or `,`: a value (or `]`) must come next, never `}`.
        var expectValue = false
        var inHeader = false
        var lineHasContent = false
        func newline(_ k: Int) {
            line += 1
            lineStart = k + 1
            lineHasContent = false
            inHeader = false
        }
        while i < n {
            let c = b[i]
            let atLineStart = !lineHasContent
            if c != 0x20, c != 0x09, c != 0x0D, c != 0x0A { lineHasContent = true }
            if c != 0x20, c != 0x09, c != 0x0D, c != 0x0A, c != 0x23 {
                if expectValue, c == 0x7D { return (.missingValue, line, i - lineStart + 1) }
                expectValue = false
            }
            switch c {
            case 0x0A:  // newline
                newline(i)
                dots = 0
            case TOMLLexer.comment:  // a comment to the end of the line
                i = TOMLLexer.endOfComment(b, from: i) - 1
            case 0x22, 0x27:  // a string: basic or literal, one line or multi-line
                let d = TOMLLexer.delimiter(at: i, in: b)!
                let (end, closed) = TOMLLexer.endOfString(b, from: i + d.count, d, newline: newline)
                // A one-line string left open ends at its newline, which it takes with it.
                if !closed, end < n { newline(end) }
                i = closed ? end - 1 : end
                lineHasContent = true
            case 0x2E:  // '.'
                dots += 1
                if dots >= maxKeyParts { return (.tooDeepKey, line, i - lineStart + 1) }
            case 0x5B where containers.isEmpty && atLineStart:  // '[' opening a table header
                dots = 0
                inHeader = true
                var k = i + 1
                if k < n, b[k] == 0x5B { k += 1 }
                i = k - 1
                while k < n, b[k] == 0x20 || b[k] == 0x09 { k += 1 }
                guard k < n, startsHeaderKey(b[k]) else { return (.badTableHeader, line, k - lineStart + 1) }
            case 0x5B, 0x7B:  // '[' '{' in a value
                dots = 0
                if !inHeader {
                    containers.append(c)
                    expectValue = c == 0x5B
                }
            case 0x5D, 0x7D:  // ']' '}'
                dots = 0
                if !inHeader { _ = containers.popLast() }
            case 0x2C:  // ','
                dots = 0
                expectValue = containers.last == 0x5B
            case 0x3D:  // '='
                dots = 0
            case 0xC2 where i + 1 < n && b[i + 1] == 0x85,
                0xE2 where i + 2 < n && b[i + 1] == 0x80 && (b[i + 2] == 0xA8 || b[i + 2] == 0xA9):
                return (.lineSeparator, line, i - lineStart + 1)
            default:
                break
            }
            i += 1
        }
        return nil
    }
}
