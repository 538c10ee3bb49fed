import NewswatchCore

/// The parts of an item that topics are matched against.
public struct MatchableItem: Sendable {
    public var title: String?
    public var summary: String?
    public var content: String?
    /// The configured feed name, else the feed's own title (what `feed:` matches and `feeds = [...]` names).
    public var feedName: String
    /// The feed's configured tags (what `feeds = ["tag:…"]` names).
    public var feedTags: [String]
    public var categories: [String]

    public init(
        title: String?, summary: String? = nil, content: String? = nil, feedName: String = "",
        feedTags: [String] = [], categories: [String] = []
    ) {
        self.title = title
        self.summary = summary
        self.content = content
        self.feedName = feedName
        self.feedTags = feedTags
        self.categories = categories
    }

    /// The matchable parts of a parsed item from the feed named `feedName`.
    public init(_ item: ParsedItem, feedName: String, feedTags: [String] = []) {
        self.init(
            title: item.title, summary: item.summary, content: item.content, feedName: feedName,
            feedTags: feedTags, categories: item.categories)
    }
}
