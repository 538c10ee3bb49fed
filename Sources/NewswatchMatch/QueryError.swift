/// A query that does not parse: where, and what was expected there.
public struct QueryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for tests and callers to branch on.
    public enum Kind: Sendable, Equatable {
        /// Nothing but whitespace.
        case empty
        /// A term, phrase or `(` was needed here (also: an operator without its operand).
        case expectedTerm
        /// A `(` was never closed.
        case unclosedParenthesis
        /// A `)` with no `(` before it.
        case unmatchedParenthesis
        /// A `"` was never closed.
        case unclosedQuote
        /// `NEAR` without `/n`, or a distance out of range.
        case badNearDistance
        /// A `NEAR` side that is not a term, a phrase or an OR-group of them; or chained `NEAR`.
        case badNearOperand
        /// `ATLEAST` without `/n`, a count out of range, or an operand that is not a term, a phrase or an
        /// OR-group of them.
        case badAtLeast
        /// A `*` that is not at the end of a term, or a prefix too short to be useful.
        case badWildcard
        /// A term with no letters or digits (`&`, `""`).
        case emptyTerm
        /// `name:` where name is not `title`, `summary`, `feed` or `category`.
        case unknownField
        /// Parentheses, `NOT`s or fields nested deeper than `QueryParser.maximumNesting`.
        case tooDeep
    }

    public var kind: Kind
    /// 1-based line within the query text (queries are usually one line).
    public var line: Int
    /// 1-based column, in characters.
    public var column: Int
    /// What was expected, in words for the editor (`expected ')' to close '(' at column 5`).
    public var message: String

    public init(kind: Kind, line: Int = 1, column: Int, message: String) {
        self.kind = kind
        self.line = line
        self.column = column
        self.message = message
    }

    /// `query:1:17: expected ')' to close '(' at column 5`.
    public var description: String { description(source: "query") }

    /// The description with another source name in front (`exclude:1:3: …`, or a file path).
    public func description(source: String) -> String { "\(source):\(line):\(column): \(message)" }
}
