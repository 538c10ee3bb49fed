import Foundation

/// One new item as the metrics see it.
public struct NewItemFigure: Sendable, Equatable {
    /// The item's publication date; `nil` when the feed gave none.
    public var published: Date?
    /// When the daemon first saw it.
    public var firstSeen: Date
    /// The topic ids it matched when first seen.
    public var topics: [String]

    /// A figure from its parts.
    public init(published: Date?, firstSeen: Date, topics: [String]) {
        self.published = published
        self.firstSeen = firstSeen
        self.topics = topics
    }
}
