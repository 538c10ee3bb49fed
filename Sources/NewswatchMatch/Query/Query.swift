/// A parsed query of the topic language (CONTRACT §3), ready to compile or print.
///
/// Equality is structural: two queries are equal when they parse to the same tree, whatever their spacing or
/// spelling of operators (`a -b` equals `a AND NOT b`).
public struct Query: Sendable, Equatable, CustomStringConvertible {
    /// The item fields a `field:` prefix can restrict a query part to.
    public enum Field: String, Sendable, CaseIterable {
        case title, summary, feed, category
    }

    /// A search term: a word, a `prefix*`, a dashed word (the phrase of its words) or a `"quoted phrase"`.
    public struct Term: Sendable, Equatable {
        /// The term as written, without quotes or the trailing `*`; a phrase's whitespace collapsed to one space.
        public var text: String
        /// Written in double quotes.
        public var isQuoted: Bool
        /// Written with a trailing `*`: the last word matches any word it begins.
        public var isPrefix: Bool
        /// The normalised words the term matches, in order (more than one: a phrase).
        public var words: [TextNormalizer.Word]

        public init(text: String, isQuoted: Bool = false, isPrefix: Bool = false) {
            self.text = text
            self.isQuoted = isQuoted
            self.isPrefix = isPrefix
            self.words = TextNormalizer.words(text)
        }

        /// How the term is named in match explanations: as written, without quotes (`Gaza Strip`, `Israeli*`).
        public var display: String { isPrefix ? text + "*" : text }
    }

    /// A node of the query tree.
    public indirect enum Node: Sendable, Equatable {
        case term(Term)
        /// Every child matches (two or more children, none itself an `and`).
        case and([Node])
        /// Any child matches (two or more children, none itself an `or`).
        case or([Node])
        case not(Node)
        /// A match of each side at most `distance` words apart in the same field. Each side is a term, or an `or`
        /// of terms (possibly field-scoped).
        case near(Node, Node, distance: Int)
        /// Occurrences of the child at `count` or more distinct word positions (`ATLEAST/2 (Gaza OR Rafah)`: the
        /// item names Gaza or Rafah at least twice). The child is a term, or an `or` of terms (possibly
        /// field-scoped), like a `NEAR` side.
        case atLeast(Node, count: Int)
        /// The child, matched only in `field`.
        case field(Field, Node)
    }

    /// The root of the tree.
    public var root: Node

    public init(root: Node) {
        self.root = root
    }

    /// The canonical text: operators in upper case, explicit `AND`, `NOT` for `-`, parentheses only where
    /// precedence needs them. Parsing it gives back an equal query.
    public var canonical: String { QueryPrinter.print(root) }

    public var description: String { canonical }
}
