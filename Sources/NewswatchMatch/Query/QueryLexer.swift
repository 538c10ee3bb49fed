/// Splits query text into tokens, tracking line and column (in characters) for error messages.
struct QueryLexer {
    /// The largest `NEAR/n` distance accepted; larger spans are better written as `AND`.
    static let maximumNearDistance = 1000
    /// The largest `ATLEAST/n` count accepted: a word repeated more often says nothing more about the item.
    static let maximumAtLeastCount = 100

    private let chars: [Character]
    private var index = 0
    private var line = 1
    private var column = 1

    init(_ text: String) {
        // Characters are grapheme clusters, and a combining mark after `"`, `(`, `)` or a space joins it: `"` + U+0301
        // is one Character that is not `"`. Split such a cluster so that the delimiter is still seen (found by
        // fuzzing: the canonical form `"\u{7EC}R"` of a phrase did not parse back).
        var chars: [Character] = []
        chars.reserveCapacity(text.utf8.count)
        for c in text {
            let scalars = c.unicodeScalars
            if scalars.count > 1, c != "\r\n", let first = scalars.first, Self.isDelimiter(first) {
                // The marks each become a Character of their own; appended to a term they spell the same text.
                chars.append(contentsOf: scalars.map(Character.init))
            } else {
                chars.append(c)
            }
        }
        self.chars = chars
    }

    private static func isDelimiter(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\"" || scalar == "(" || scalar == ")" || scalar.properties.isWhitespace
    }

    /// All tokens, ending with `.end` (which carries the column just past the last character).
    static func tokenize(_ text: String) throws(QueryError) -> [QueryToken] {
        var lexer = QueryLexer(text)
        var tokens: [QueryToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private static func isBreak(_ c: Character) -> Bool {
        c.isWhitespace || c == "(" || c == ")" || c == "\""
    }

    private mutating func advance() {
        if chars[index].isNewline {
            line += 1
            column = 1
        } else {
            column += 1
        }
        index += 1
    }

    private mutating func next() throws(QueryError) -> QueryToken {
        while index < chars.count, chars[index].isWhitespace { advance() }
        let startLine = line
        let startColumn = column
        func token(_ kind: QueryToken.Kind) -> QueryToken {
            QueryToken(kind: kind, line: startLine, column: startColumn)
        }
        guard index < chars.count else { return token(.end) }
        let c = chars[index]
        switch c {
        case "(":
            advance()
            return token(.leftParen)
        case ")":
            advance()
            return token(.rightParen)
        case "\"":
            advance()
            var text = ""
            while index < chars.count, chars[index] != "\"" {
                text.append(chars[index])
                advance()
            }
            guard index < chars.count else {
                throw QueryError(
                    kind: .unclosedQuote, line: line, column: column,
                    message: "expected '\"' to close the phrase started at column \(startColumn)")
            }
            advance()
            let collapsed = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            return token(.phrase(collapsed))
        case "-":
            advance()
            guard index < chars.count, !chars[index].isWhitespace, chars[index] != ")" else {
                throw QueryError(
                    kind: .expectedTerm, line: startLine, column: startColumn,
                    message: "expected a term, phrase or '(' right after '-' (write NOT, or join it to the term)")
            }
            return token(.minus)
        default:
            break
        }
        var text = ""
        while index < chars.count, !Self.isBreak(chars[index]) {
            text.append(chars[index])
            advance()
            // A field prefix ends its token: what follows (`Gaza`, `"Gaza Strip"`, `(…)`) is lexed on its own.
            if chars[index - 1] == ":", text.dropLast().allSatisfy({ $0.isLetter && $0.isASCII }), text.count > 1 {
                let name = String(text.dropLast())
                guard let field = Query.Field(rawValue: name.lowercased()) else {
                    throw QueryError(
                        kind: .unknownField, line: startLine, column: startColumn,
                        message: "unknown field '\(name):' (fields are title:, summary:, feed: and category:)")
                }
                return token(.field(field))
            }
        }
        switch text {
        case "AND": return token(.and)
        case "OR": return token(.or)
        case "NOT": return token(.not)
        case "NEAR":
            throw QueryError(
                kind: .badNearDistance, line: startLine, column: startColumn + 4,
                message: "expected '/' and a distance in words after NEAR (e.g. NEAR/10)")
        case "ATLEAST":
            throw QueryError(
                kind: .badAtLeast, line: startLine, column: startColumn + 7,
                message: "expected '/' and a count after ATLEAST (e.g. ATLEAST/2)")
        default: break
        }
        if text.hasPrefix("ATLEAST/") {
            guard let n = Self.number(text.dropFirst(8)), n >= 1, n <= Self.maximumAtLeastCount else {
                throw QueryError(
                    kind: .badAtLeast, line: startLine, column: startColumn + 8,
                    message: "expected a count from 1 to \(Self.maximumAtLeastCount) after ATLEAST/")
            }
            return token(.atLeast(n))
        }
        if text.hasPrefix("NEAR/") {
            guard let n = Self.number(text.dropFirst(5)), n <= Self.maximumNearDistance else {
                throw QueryError(
                    kind: .badNearDistance, line: startLine, column: startColumn + 5,
                    message: "expected a distance in words from 0 to \(Self.maximumNearDistance) after NEAR/")
            }
            return token(.near(n))
        }
        return token(.word(text))
    }

    /// The value of an operator's `/n`: ASCII digits only (no sign, no other numerals), nil otherwise.
    private static func number(_ digits: Substring) -> Int? {
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }
}
