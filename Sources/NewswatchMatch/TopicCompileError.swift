/// A topic that cannot be compiled: which topic, which of its queries, and the query error.
public struct TopicCompileError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// `query` or `exclude` does not parse (see `queryError`).
        case invalidQuery
        /// Two topics share an id.
        case duplicateID
    }

    /// Which query of the topic is at fault.
    public enum Field: String, Sendable, Equatable {
        case query, exclude
    }

    public var kind: Kind
    public var topicID: String
    /// Set for `.invalidQuery`.
    public var field: Field?
    /// Set for `.invalidQuery`: line and column are within that query's text.
    public var queryError: QueryError?

    public init(kind: Kind, topicID: String, field: Field? = nil, queryError: QueryError? = nil) {
        self.kind = kind
        self.topicID = topicID
        self.field = field
        self.queryError = queryError
    }

    /// `topic 'gaza': exclude:1:7: expected a term, phrase or '(' after OR`.
    public var description: String {
        switch kind {
        case .duplicateID:
            return "topic '\(topicID)': another topic has the same id; ids must be unique"
        case .invalidQuery:
            let source = (field ?? .query).rawValue
            return "topic '\(topicID)': " + (queryError?.description(source: source) ?? "\(source) is invalid")
        }
    }
}
