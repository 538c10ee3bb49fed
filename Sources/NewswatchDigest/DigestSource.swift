import Foundation

/// One feed's copy of a story: an item as first seen in one feed.
public struct DigestSource: Sendable, Equatable {
    /// The configured feed name (else the feed's own title).
    public var feed: String
    public var feedURL: String?
    /// The item's title in this feed.
    public var title: String?
    /// The item's link in this feed.
    public var link: String?
    /// When newswatch first saw this item (UTC); decides the period it belongs to.
    public var firstSeen: Date
    /// The item's own date, if it had a parseable one.
    public var published: Date?

    public init(
        feed: String, feedURL: String? = nil, title: String? = nil, link: String? = nil, firstSeen: Date,
        published: Date? = nil
    ) {
        self.feed = feed
        self.feedURL = feedURL
        self.title = title
        self.link = link
        self.firstSeen = firstSeen
        self.published = published
    }
}
