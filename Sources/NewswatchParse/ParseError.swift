/// Why a document could not be parsed as a feed at all (CONTRACT §2: exit 65).
///
/// Recoverable problems are not errors: they become `ParsedFeed.warnings`.
public struct ParseError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure; tests and callers switch on this, not on the text.
    public enum Kind: String, Sendable, Equatable {
        /// Zero bytes, or nothing but whitespace.
        case empty
        /// Readable, but not RSS, Atom, RDF or JSON Feed (an HTML page, some other XML, other JSON).
        case notAFeed
        /// Not readable as XML or JSON at all (binary data, XML broken before its first element).
        case malformed
        /// Larger than the parser accepts in one document.
        case tooLarge
        /// Built to exhaust the parser (an element with thousands of attributes, a monstrous start tag,
        /// nesting tens of thousands deep): refused before it is parsed.
        case hostile
    }

    public var kind: Kind
    /// One line saying what was found, for the user.
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String {
        switch kind {
        case .empty: return "not a feed: \(message)"
        case .notAFeed: return "not a feed: \(message)"
        case .malformed: return "not a feed: \(message)"
        case .tooLarge: return "document too large: \(message)"
        case .hostile: return "hostile document refused: \(message)"
        }
    }
}
