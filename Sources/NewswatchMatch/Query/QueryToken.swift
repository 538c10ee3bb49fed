/// One lexical token of a query, with where it starts.
struct QueryToken: Equatable {
    enum Kind: Equatable {
        case word(String)
        case phrase(String)
        case leftParen
        case rightParen
        case and
        case or
        case not
        /// `-` at the start of a term.
        case minus
        case near(Int)
        /// `ATLEAST/n`.
        case atLeast(Int)
        /// `title:` and the other field prefixes.
        case field(Query.Field)
        case end
    }

    var kind: Kind
    var line: Int
    var column: Int

    /// How the token is named in error messages.
    var name: String {
        switch kind {
        case .word(let w): return "'\(w)'"
        case .phrase(let p): return "\"\(p)\""
        case .leftParen: return "'('"
        case .rightParen: return "')'"
        case .and: return "AND"
        case .or: return "OR"
        case .not: return "NOT"
        case .minus: return "'-'"
        case .near(let n): return "NEAR/\(n)"
        case .atLeast(let n): return "ATLEAST/\(n)"
        case .field(let f): return "'\(f.rawValue):'"
        case .end: return "the end of the query"
        }
    }
}
