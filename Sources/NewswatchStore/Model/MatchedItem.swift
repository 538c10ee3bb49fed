import NewswatchCore

/// A parsed item with what the matcher found in it: the unit `Store.ingest` takes (the store never calls a matcher).
public struct MatchedItem: Sendable, Equatable {
    /// The item as parsed.
    public var item: ParsedItem
    /// One entry per topic the item matches (a duplicate topic is stored once).
    public var matches: [TopicMatch]

    /// An item and its matches.
    public init(_ item: ParsedItem, matches: [TopicMatch]) {
        self.item = item
        self.matches = matches
    }
}
