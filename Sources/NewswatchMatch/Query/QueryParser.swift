/// Parses the topic query language of CONTRACT §3 into a `Query`.
///
/// Grammar (precedence NEAR > NOT > AND > OR):
/// ```
/// query   = or
/// or      = and { "OR" and }
/// and     = not { ["AND"] not }          juxtaposition is AND
/// not     = ("NOT" | "-") not | near
/// near    = primary [ "NEAR/n" primary ]  each side a term, a phrase or an OR-group of them
/// primary = term | "phrase" | "(" or ")" | field ":" primary | "ATLEAST/n" primary
///                                          the ATLEAST operand as a NEAR side
/// ```
public enum QueryParser {
    /// The shortest prefix a `prefix*` term may have, in characters: shorter ones match most of the language.
    public static let minimumPrefixLength = 2
    /// The deepest nesting of `(`, `NOT`/`-` and `field:` accepted: far beyond any real topic, far below
    /// what the recursive descent (and the compiler and printer after it) could take without running out of stack.
    public static let maximumNesting = 200

    /// Parses `text`; the error names the line, the column and what was expected there.
    public static func parse(_ text: String) throws(QueryError) -> Query {
        var parser = Parser(tokens: try QueryLexer.tokenize(text))
        return Query(root: try parser.parseQuery())
    }
}

/// The recursive-descent parser over the lexer's tokens.
private struct Parser {
    let tokens: [QueryToken]
    var position = 0
    /// How many `(`, `NOT`/`-` and `field:` enclose the current token.
    var nesting = 0

    init(tokens: [QueryToken]) {
        self.tokens = tokens
    }

    var current: QueryToken { tokens[position] }

    mutating func parseQuery() throws(QueryError) -> Query.Node {
        if current.kind == .end {
            throw QueryError(kind: .empty, line: current.line, column: current.column, message: "the query is empty")
        }
        let node = try parseOr()
        switch current.kind {
        case .end:
            return node
        case .rightParen:
            throw QueryError(
                kind: .unmatchedParenthesis, line: current.line, column: current.column,
                message: "unexpected ')' with no '(' before it")
        default:
            throw expected("an operator", after: nil)
        }
    }

    private func expected(_ what: String, after: String?) -> QueryError {
        let found = current.kind == .end ? "" : " but found \(current.name)"
        let kind: QueryError.Kind = current.kind == .rightParen && after == nil ? .unmatchedParenthesis : .expectedTerm
        let context = after.map { " after \($0)" } ?? ""
        return QueryError(
            kind: kind, line: current.line, column: current.column, message: "expected \(what)\(context)\(found)")
    }

    private var startsOperand: Bool {
        switch current.kind {
        case .word, .phrase, .leftParen, .not, .minus, .field, .atLeast: return true
        default: return false
        }
    }

    private mutating func parseOr() throws(QueryError) -> Query.Node {
        var children = [try parseAnd(after: nil)]
        while current.kind == .or {
            position += 1
            children.append(try parseAnd(after: "OR"))
        }
        return children.count == 1 ? children[0] : .or(flatten(children, or: true))
    }

    private mutating func parseAnd(after: String?) throws(QueryError) -> Query.Node {
        var children = [try parseNot(after: after)]
        while true {
            if current.kind == .and {
                position += 1
                children.append(try parseNot(after: "AND"))
            } else if startsOperand {
                children.append(try parseNot(after: nil))
            } else {
                break
            }
        }
        return children.count == 1 ? children[0] : .and(flatten(children, or: false))
    }

    private func flatten(_ children: [Query.Node], or: Bool) -> [Query.Node] {
        children.flatMap { child -> [Query.Node] in
            switch (child, or) {
            case (.or(let inner), true), (.and(let inner), false): return inner
            default: return [child]
            }
        }
    }

    /// Counts one more level of nesting at the current token; past `maximumNesting` that is an error there.
    private mutating func descend() throws(QueryError) {
        nesting += 1
        guard nesting <= QueryParser.maximumNesting else {
            throw QueryError(
                kind: .tooDeep, line: current.line, column: current.column,
                message: "the query nests deeper than \(QueryParser.maximumNesting) levels here")
        }
    }

    private mutating func parseNot(after: String?) throws(QueryError) -> Query.Node {
        switch current.kind {
        case .not:
            try descend()
            defer { nesting -= 1 }
            position += 1
            return .not(try parseNot(after: "NOT"))
        case .minus:
            try descend()
            defer { nesting -= 1 }
            position += 1
            return .not(try parseNot(after: "'-'"))
        default:
            return try parseNear(after: after)
        }
    }

    private mutating func parseNear(after: String?) throws(QueryError) -> Query.Node {
        let leftToken = current
        let left = try parsePrimary(after: after)
        guard case .near(let distance) = current.kind else { return left }
        let nearToken = current
        guard Self.isNearOperand(left) else {
            throw QueryError(
                kind: .badNearOperand, line: leftToken.line, column: leftToken.column,
                message: "the left side of NEAR/\(distance) must be a term, a phrase or an OR-group of them")
        }
        position += 1
        let right = try termsOperand(
            after: "NEAR/\(distance)", kind: .badNearOperand,
            message: "the right side of NEAR/\(distance) must be a term, a phrase or an OR-group of them")
        if case .near = current.kind {
            throw QueryError(
                kind: .badNearOperand, line: current.line, column: current.column,
                message: "NEAR cannot be chained to the NEAR at column \(nearToken.column); join two NEARs with AND")
        }
        return .near(left, right, distance: distance)
    }

    /// `ATLEAST/n` and its operand, which counts occurrences of terms: a term, a phrase or an OR-group of them.
    private mutating func parseAtLeast(_ count: Int) throws(QueryError) -> Query.Node {
        position += 1
        let operand = try termsOperand(
            after: "ATLEAST/\(count)", kind: .badAtLeast,
            message: "ATLEAST/\(count) counts a term, a phrase or an OR-group of them, not other operators")
        return .atLeast(operand, count: count)
    }

    /// A primary that must be a term, a phrase or an OR-group of them (a NEAR side, an ATLEAST operand); else the
    /// error of `kind` at its first token.
    private mutating func termsOperand(
        after: String, kind: QueryError.Kind, message: String
    ) throws(QueryError) -> Query.Node {
        let token = current
        let node = try parsePrimary(after: after)
        guard Self.isNearOperand(node) else {
            throw QueryError(kind: kind, line: token.line, column: token.column, message: message)
        }
        return node
    }

    static func isNearOperand(_ node: Query.Node) -> Bool {
        switch node {
        case .term: return true
        case .field(_, let child): return isNearOperand(child)
        case .or(let children): return children.allSatisfy(isNearOperand)
        case .and, .not, .near, .atLeast: return false
        }
    }

    private mutating func parsePrimary(after: String?) throws(QueryError) -> Query.Node {
        let token = current
        switch token.kind {
        case .word(let text):
            position += 1
            return .term(try Self.bareTerm(text, token))
        case .phrase(let text):
            position += 1
            let term = Query.Term(text: text, isQuoted: true)
            guard !term.words.isEmpty else {
                throw QueryError(
                    kind: .emptyTerm, line: token.line, column: token.column,
                    message: "the phrase \"\(text)\" has no letters or digits")
            }
            return .term(term)
        case .leftParen:
            try descend()
            defer { nesting -= 1 }
            position += 1
            if current.kind == .rightParen { throw expected("a term, phrase or '('", after: "'('") }
            let inner = try parseOr()
            guard current.kind == .rightParen else {
                throw QueryError(
                    kind: .unclosedParenthesis, line: current.line, column: current.column,
                    message: "expected ')' to close '(' at column \(token.column)"
                        + (current.kind == .end ? "" : " but found \(current.name)"))
            }
            position += 1
            return inner
        case .field(let field):
            try descend()
            defer { nesting -= 1 }
            position += 1
            return .field(field, try parsePrimary(after: "'\(field.rawValue):'"))
        case .atLeast(let count):
            try descend()
            defer { nesting -= 1 }
            return try parseAtLeast(count)
        default:
            throw expected("a term, phrase or '('", after: after)
        }
    }

    private static func bareTerm(_ text: String, _ token: QueryToken) throws(QueryError) -> Query.Term {
        var body = text
        var isPrefix = false
        if let star = text.firstIndex(of: "*") {
            let offset = text.distance(from: text.startIndex, to: star)
            guard star == text.index(before: text.endIndex) else {
                throw QueryError(
                    kind: .badWildcard, line: token.line, column: token.column + offset,
                    message: "'*' is allowed only at the end of a term")
            }
            body = String(text.dropLast())
            guard let last = body.last, last.isLetter || last.isNumber else {
                throw QueryError(
                    kind: .badWildcard, line: token.line, column: token.column + offset,
                    message: "'*' must follow a letter or digit")
            }
            isPrefix = true
        }
        let term = Query.Term(text: body, isPrefix: isPrefix)
        guard let last = term.words.last else {
            throw QueryError(
                kind: .emptyTerm, line: token.line, column: token.column,
                message: "the term '\(text)' has no letters or digits")
        }
        if isPrefix, last.text.count < QueryParser.minimumPrefixLength {
            throw QueryError(
                kind: .badWildcard, line: token.line, column: token.column,
                message: "the prefix '\(text)' is too short (at least \(QueryParser.minimumPrefixLength) characters)")
        }
        return term
    }
}
