import Foundation

/// A stored item with the text the matcher read when it was first seen or last changed, and the topics it matched
/// when first seen (`match --stored`, `eval --feedback`).
public struct StoredItem: Sendable, Equatable {
    public var feedKey: String
    public var feedName: String
    public var title: String?
    public var link: String?
    public var summary: String?
    public var content: String?
    public var categories: [String]
    public var firstSeen: Date
    /// Topic ids matched when the item was first seen, sorted.
    public var storedTopics: [String]
    /// Whether the whole matchable text was stored (items stored since schema v3). Otherwise `summary` is the
    /// capped digest summary (or the start of the content) and content and categories are unknown.
    public var hasFullText: Bool

    public init(
        feedKey: String, feedName: String, title: String?, link: String?, summary: String?, content: String?,
        categories: [String], firstSeen: Date, storedTopics: [String], hasFullText: Bool
    ) {
        self.feedKey = feedKey
        self.feedName = feedName
        self.title = title
        self.link = link
        self.summary = summary
        self.content = content
        self.categories = categories
        self.firstSeen = firstSeen
        self.storedTopics = storedTopics
        self.hasFullText = hasFullText
    }
}
