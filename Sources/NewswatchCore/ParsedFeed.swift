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
    public var format: FeedFormat
    public var title: String?
    public var link: String?
    public var description: String?
    public var language: String?
    public var updated: Date?
    /// RSS `<ttl>` in minutes, a floor for the poll interval.
    public var ttlMinutes: Int?
    public var items: [ParsedItem]
    /// Problems the parser recovered from (broken XML, wrong encoding, …), one line each.
    public var warnings: [String]

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
    public var id: String?
    public var title: String?
    public var link: String?
    public var published: Date?
    public var updated: Date?
    public var author: String?
    public var summary: String?
    public var content: String?
    public var categories: [String]

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
