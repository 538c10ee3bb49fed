import Foundation

/// One feed's copy of a story: an item as first seen in one feed.
package struct DigestSource: Sendable, Equatable {
    /// The configured feed name (else the feed's own title).
    package var feed: String
    package var feedURL: String?
    /// The item's title in this feed.
    package var title: String?
    /// The item's link in this feed.
    package var link: String?
    /// When newswatch first saw this item (UTC); decides the period it belongs to.
    package var firstSeen: Date
    /// The item's own date, if it had a parseable one.
    package var published: Date?

    package init(
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
