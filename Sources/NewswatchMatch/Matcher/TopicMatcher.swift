import NewswatchCore

/// All topics compiled together: decides which topics an item matches, and why.
///
/// Every term and phrase word of every topic goes into one word table (prefixes into a second); an item's fields
/// are normalised and scanned once, each word looked up once; only topics one of whose terms occurred (or whose
/// query is true without any term, like `NOT x`) have their boolean tree evaluated. The cost per item grows with
/// its text, not with the number of topics.
public struct TopicMatcher: Sendable {
    /// The topics as configured, in order (the order of `match` results).
    public let topics: [TopicDefinition]
    private let tables: TopicTables

    /// Compiles `topics`; throws for the first topic whose `query` or `exclude` does not parse, or a repeated id.
    public init(topics: [TopicDefinition]) throws(TopicCompileError) {
        try self.init(topics: topics, memo: .shared)
    }

    /// Compiles `topics` with the queries `memo` kept from the config check (tests pass their own memo).
    init(topics: [TopicDefinition], memo: ParsedQueryMemo) throws(TopicCompileError) {
        self.topics = topics
        var compiler = TopicCompiler()
        try compiler.add(topics, memo: memo)
        tables = TopicTables(compiler)
    }

    /// The topics `item` matches, in configuration order, each with the terms that matched and where.
    public func match(_ item: MatchableItem) -> [TopicMatch] {
        tables.match(item)
    }

    /// Working memory for `match(_:in:)`, for a caller that matches many items on one thread.
    func makeSession() -> MatchSession {
        tables.makeSession()
    }

    /// `match(_:)` with the caller's session (made by this matcher's `makeSession()`), which it leaves ready for
    /// the next item.
    func match(_ item: MatchableItem, in session: inout MatchSession) -> [TopicMatch] {
        tables.match(item, &session)
    }
}
