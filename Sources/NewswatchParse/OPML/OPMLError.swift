/// Why an OPML document could not be read as a subscription list.
public struct OPMLError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The bytes are not XML libxml2 can recover a document from (empty, binary, …).
        case notXML
        /// Well-formed enough, but the root element is not `<opml>`.
        case notOPML
        /// Markup built to exhaust the parser (see `MarkupGuard`), refused before it is parsed.
        case hostile
    }

    public var kind: Kind
    /// What is wrong, including libxml2's message where there is one.
    public var message: String
    /// 1-based line of libxml2's error, where it gave one.
    public var line: Int?

    public init(kind: Kind, message: String, line: Int? = nil) {
        self.kind = kind
        self.message = message
        self.line = line
    }

    public var description: String {
        line.map { "line \($0): \(message)" } ?? message
    }
}
