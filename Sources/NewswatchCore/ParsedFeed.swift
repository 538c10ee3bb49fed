import Foundation

/// The syndication format a document was detected as (CONTRACT §2 `format`).
public enum FeedFormat: String, Sendable, Codable, CaseIterable {
    case rss20 = "rss2.0"
    case rss10 = "rss1.0"
    case rss09x = "rss0.9x"
    case atom10 = "atom1.0"
    case atom03 = "atom0.3"
    case jsonFeed1 = "jsonfeed1"
}

/// A feed as the parser understood it: plain values, no C types, text already plain.
public struct ParsedFeed: Sendable, Equatable {
    /// The detected syndication format.
    public var format: FeedFormat
    /// The feed's title.
    public var title: String?
    /// The feed's own link (its website).
    public var link: String?
    /// The feed's description or subtitle.
    public var description: String?
    /// The feed's language tag.
    public var language: String?
    /// When the feed says it was last updated.
    public var updated: Date?
    /// RSS `<ttl>` in minutes, a floor for the poll interval.
    public var ttlMinutes: Int?
    /// The entries in document order.
    public var items: [ParsedItem]
    /// Problems the parser recovered from (broken XML, wrong encoding, …), one line each.
    public var warnings: [String]

    /// A feed with the given fields.
    public init(
        format: FeedFormat, title: String? = nil, link: String? = nil, description: String? = nil,
        language: String? = nil, updated: Date? = nil, ttlMinutes: Int? = nil, items: [ParsedItem] = [],
        warnings: [String] = []
    ) {
        self.format = format
        self.title = title
        self.link = link
        self.description = description
        self.language = language
        self.updated = updated
        self.ttlMinutes = ttlMinutes
        self.items = items
        self.warnings = warnings
    }
}

/// One entry of a feed. `id` is exactly the feed's own id, `nil` where it has none.
public struct ParsedItem: Sendable, Equatable {
    /// The feed's own id of the item (`guid`, Atom `id`), unchanged.
    public var id: String?
    /// The headline, plain text.
    public var title: String?
    /// The item's link, resolved against the feed's base URL.
    public var link: String?
    /// When the item was published.
    public var published: Date?
    /// When the item was last updated.
    public var updated: Date?
    /// The author's name.
    public var author: String?
    /// The summary or description, plain text.
    public var summary: String?
    /// The full content, plain text.
    public var content: String?
    /// The categories or tags, in document order.
    public var categories: [String]

    /// An item with the given fields.
    public init(
        id: String? = nil, title: String? = nil, link: String? = nil, published: Date? = nil,
        updated: Date? = nil, author: String? = nil, summary: String? = nil, content: String? = nil,
        categories: [String] = []
    ) {
        self.id = id
        self.title = title
        self.link = link
        self.published = published
        self.updated = updated
        self.author = author
        self.summary = summary
        self.content = content
        self.categories = categories
    }
}
