/// Maps a key path such as `topics[3].query` to its line in a TOML file.
///
/// TOMLKit reports positions only for syntax errors; every later error (wrong type, bad duration, duplicate id,
/// bad query) still has to name `file:line`. This scans the text once, tracking table headers, arrays of tables,
/// keys, and the strings and brackets that may span lines, and records where each key path first appears.
struct ConfigKeyLocator: Sendable {
    /// Where one key (or table header) was written.
    struct Entry: Sendable, Equatable {
        /// 1-based line.
        var line: Int
        /// 1-based column of the first character of the value (after `=`); `nil` for table headers.
        var valueColumn: Int?
        /// The line's text, to map a position inside a string value to a file column.
        var text: String
    }

    private var entries: [String: Entry] = [:]

    init(text: String) {
        var section = ""
        var arrayCounts: [String: Int] = [:]
        // Multi-line constructs: a string opened by `"""`/`'''`, or brackets of an array or inline table.
        var openString: TOMLLexer.Delimiter? = nil
        var depth = 0
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = String(rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine)
            let chars = Array(line)
            var start = 0
            if openString == nil && depth == 0 {
                var i = 0
                while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 }
                if i == chars.count || chars[i] == "#" { continue }
                if chars[i] == "[" {
                    let isArray = i + 1 < chars.count && chars[i + 1] == "["
                    let open = i + (isArray ? 2 : 1)
                    guard let close = ConfigKeyLocator.headerEnd(chars, from: open) else { continue }
                    let parts = ConfigKeyLocator.splitKey(String(chars[open..<close]))
                    let resolved = ConfigKeyLocator.resolve(parts, arrayCounts: arrayCounts)
                    if isArray {
                        let index = arrayCounts[resolved, default: 0]
                        arrayCounts[resolved] = index + 1
                        if entries[resolved] == nil { entries[resolved] = Entry(line: lineNumber, text: line) }
                        section = resolved + "[\(index)]"
                    } else {
                        section = resolved
                    }
                    if entries[section] == nil { entries[section] = Entry(line: lineNumber, text: line) }
                    continue
                }
                if let (keyParts, equals) = ConfigKeyLocator.keyBeforeEquals(chars, from: i) {
                    let path = (section.isEmpty ? [] : [section]) + keyParts
                    var v = equals + 1
                    while v < chars.count, chars[v] == " " || chars[v] == "\t" { v += 1 }
                    let joined = path.joined(separator: ".")
                    if entries[joined] == nil {
                        entries[joined] = Entry(line: lineNumber, valueColumn: v + 1, text: line)
                    }
                    start = v
                } else {
                    continue
                }
            }
            ConfigKeyLocator.scanValue(
                line, fromByte: String(chars[..<start]).utf8.count, openString: &openString, depth: &depth)
        }
    }

    /// The entry of `path`, or of its nearest recorded ancestor (`feeds[2].tags[1]` → `feeds[2].tags` → `feeds[2]`).
    func entry(for path: String) -> Entry? {
        var p = Substring(path)
        while !p.isEmpty {
            if let e = entries[String(p)] { return e }
            if p.hasSuffix("]"), let open = p.lastIndex(of: "[") {
                p = p[..<open]
            } else if let dot = p.lastIndex(of: ".") {
                p = p[..<dot]
            } else {
                return nil
            }
        }
        return nil
    }

    /// The 1-based line of `path` (or its nearest ancestor).
    func line(of path: String) -> Int? { entry(for: path)?.line }

    /// The file line and column of a position inside the string value at `path`: `textLine` and `offset`
    /// are 1-based, in characters of the string's value. `nil` when `path` was not found exactly; the column is
    /// `nil` when it cannot be placed (a basic multi-line string, whose escapes shift columns).
    func position(of path: String, textLine: Int, characterOffset offset: Int) -> (line: Int, column: Int?)? {
        guard offset >= 1, textLine >= 1, let e = entries[path], let vc = e.valueColumn else { return nil }
        let chars = Array(e.text)
        let q = vc - 1
        guard q < chars.count else { return (e.line, nil) }
        let quote = chars[q]
        guard quote == "'" || quote == "\"" else { return (e.line, nil) }
        let isMultiLine = q + 2 < chars.count && chars[q + 1] == quote && chars[q + 2] == quote
        guard isMultiLine else {
            guard textLine == 1 else { return (e.line, nil) }
            return (e.line, ConfigKeyLocator.column(in: chars, after: q, quote: quote, offset: offset))
        }
        // A newline right after the opening delimiter is not part of the string.
        let startsOnNextLine = q + 3 >= chars.count
        if textLine == 1 && !startsOnNextLine { return (e.line, quote == "'" ? vc + 2 + offset : nil) }
        let line = e.line + textLine - (startsOnNextLine ? 0 : 1)
        return (line, quote == "'" ? offset : nil)
    }

    /// The file column (1-based) of the `offset`-th decoded character of a one-line string opened at `q`.
    private static func column(in chars: [Character], after q: Int, quote: Character, offset: Int) -> Int? {
        var decoded = 0
        var i = q + 1
        while i < chars.count, chars[i] != quote {
            decoded += 1
            if decoded == offset { return i + 1 }
            if quote == "\"" && chars[i] == "\\" && i + 1 < chars.count {
                switch chars[i + 1] {
                case "u": i += 6
                case "U": i += 10
                default: i += 2
                }
            } else {
                i += 1
            }
        }
        // A column just past the end (e.g. "unexpected end of query") points at the closing quote.
        return decoded + 1 == offset ? i + 1 : nil
    }

    // MARK: - Scanning

    /// Index of the `]` that closes a header opened before `from`, ignoring quoted parts.
    private static func headerEnd(_ chars: [Character], from: Int) -> Int? {
        var i = from
        var quote: Character? = nil
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "]" {
                return i
            }
            i += 1
        }
        return nil
    }

    /// A dotted key (`a.b`, `"quoted key".c`) split into its parts, unquoted and trimmed.
    static func splitKey(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character? = nil
        for c in text {
            if let q = quote {
                if c == q { quote = nil } else { current.append(c) }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "." {
                parts.append(current)
                current = ""
            } else if c != " " && c != "\t" {
                current.append(c)
            }
        }
        parts.append(current)
        return parts
    }

    /// `alerts.sinks` with the current index of every enclosing array of tables filled in.
    private static func resolve(_ parts: [String], arrayCounts: [String: Int]) -> String {
        var resolved = ""
        for (n, part) in parts.enumerated() {
            resolved += resolved.isEmpty ? part : "." + part
            if n < parts.count - 1, let count = arrayCounts[resolved], count > 0 {
                resolved += "[\(count - 1)]"
            }
        }
        return resolved
    }

    /// The key parts and the index of `=` when the line starts with `key =`.
    private static func keyBeforeEquals(_ chars: [Character], from: Int) -> ([String], Int)? {
        var i = from
        var quote: Character? = nil
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "=" {
                let key = String(chars[from..<i])
                guard !key.allSatisfy({ $0 == " " || $0 == "\t" }) else { return nil }
                return (splitKey(key), i)
            } else if !(c.isLetter || c.isNumber || c == "_" || c == "-" || c == "." || c == " " || c == "\t") {
                return nil
            }
            i += 1
        }
        return nil
    }

    /// Follows strings, comments and brackets through the rest of a line (from its byte `start`) so the next line's
    /// state is known: a multi-line string still open, the depth of open arrays and inline tables.
    private static func scanValue(
        _ line: String, fromByte start: Int, openString: inout TOMLLexer.Delimiter?, depth: inout Int
    ) {
        var line = line
        line.withUTF8 { b in
            var i = start
            if let open = openString {
                let (end, closed) = TOMLLexer.endOfString(b, from: i, open)
                guard closed else { return }
                openString = nil
                i = end
            }
            while i < b.count {
                let c = b[i]
                if c == TOMLLexer.comment { return }
                if let d = TOMLLexer.delimiter(at: i, in: b) {
                    let (end, closed) = TOMLLexer.endOfString(b, from: i + d.count, d)
                    if !closed, d.multiLine {
                        openString = d
                        return
                    }
                    // A one-line string left open runs to the end of the line.
                    i = end
                    continue
                }
                if c == UInt8(ascii: "[") || c == UInt8(ascii: "{") { depth += 1 }
                if c == UInt8(ascii: "]") || c == UInt8(ascii: "}") { depth = max(0, depth - 1) }
                i += 1
            }
        }
    }
}
