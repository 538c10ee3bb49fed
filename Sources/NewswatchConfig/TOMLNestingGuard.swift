/// Refuses TOML whose keys nest deeper than any config needs, before TOMLKit sees it.
///
/// toml++ (under TOMLKit) bounds nested arrays and inline tables (256 levels) but not dotted keys or table
/// headers: `a.a.a…a = 1` with 50,000 parts builds 50,000 nested tables and overflows the stack (SIGSEGV) of
/// `check-config`, or of a daemon reloading it on SIGHUP. A key with more than `maxKeyParts` parts is refused.
/// The scan counts `.` outside strings and comments between the separators that end a key (`=`, `,`,
/// brackets, braces, newline); a float value has one dot, a real key a handful.
enum TOMLNestingGuard {
    /// Far more parts than any key of the config has (`alerts.sinks` has two).
    static let maxKeyParts = 32

    /// The 1-based line and column of the first key with too many parts, or `nil`.
    static func tooDeepKey(in text: String) -> (line: Int, column: Int)? {
        var text = text
        return text.withUTF8 { scan($0) }
    }

    private static func scan(_ b: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int)? {
        let n = b.count
        var i = 0
        var line = 1
        var lineStart = 0
        var dots = 0
        func at(_ k: Int, _ s: StaticString) -> Bool {
            let p = s.utf8Start
            guard k + s.utf8CodeUnitCount <= n else { return false }
            for m in 0..<s.utf8CodeUnitCount where b[k + m] != p[m] { return false }
            return true
        }
        func newline(_ k: Int) {
            line += 1
            lineStart = k + 1
        }
        while i < n {
            let c = b[i]
            switch c {
            case 0x0A:  // newline
                newline(i)
                dots = 0
            case 0x23:  // '#': a comment to the end of the line
                while i + 1 < n, b[i + 1] != 0x0A { i += 1 }
            case 0x22, 0x27:  // a string: basic or literal, one line or multi-line
                let triple = c == 0x22 ? at(i, "\"\"\"") : at(i, "'''")
                i += triple ? 3 : 1
                while i < n {
                    let d = b[i]
                    if d == 0x5C, c == 0x22 {  // an escape in a basic string (a line-ending one too)
                        if i + 1 < n, b[i + 1] == 0x0A { newline(i + 1) }
                        i += 2
                        continue
                    }
                    if d == 0x0A {
                        newline(i)
                        if !triple { break }
                    }
                    if d == c, !triple || (c == 0x22 ? at(i, "\"\"\"") : at(i, "'''")) {
                        i += triple ? 2 : 0
                        break
                    }
                    i += 1
                }
            case 0x2E:  // '.'
                dots += 1
                if dots >= maxKeyParts { return (line, i - lineStart + 1) }
            case 0x3D, 0x2C, 0x5B, 0x5D, 0x7B, 0x7D:  // = , [ ] { }
                dots = 0
            default:
                break
            }
            i += 1
        }
        return nil
    }
}
