import Foundation

/// One alert record, as written to `alerts/YYYY-MM-DD.jsonl` and sent to every sink (CONTRACT §4).
public struct Alert: Sendable, Equatable {
    /// Unique per (story, topic), stable, not the item's feed id.
    public var id: String
    /// The topic id (`[a-z0-9-]+`).
    public var topic: String
    /// The topic's display name.
    public var topicName: String
    /// The topic's priority.
    public var priority: Priority
    /// The item's title, if it has one.
    public var title: String?
    /// The item's link, if it has one.
    public var link: String?
    /// The feed's display name.
    public var feed: String
    /// The feed's URL, user-info redacted; `nil` for local files.
    public var feedURL: String?
    /// The item's date, if the feed gave one.
    public var published: Date?
    /// When the daemon first saw the item.
    public var detected: Date
    /// The matched terms as written in the query, first occurrence first.
    public var terms: [String]
    /// At most 300 characters of plain text.
    public var summary: String?
    /// The id of the story the item belongs to (shared by its copies in other feeds).
    public var story: String
    /// How many feeds carried the story when the alert was made.
    public var sources: Int
    /// `new`, `update` (escalation) or `spike` (CONTRACT §4, §10); `extra` holds what the kind adds.
    public var kind: AlertKind
    /// The kind's own fields: `previous_sources` of an update, `items_last_hour` and `baseline` of a spike.
    public var extra: AlertExtra

    /// An alert with every field given.
    public init(
        id: String, topic: String, topicName: String, priority: Priority, title: String?, link: String?,
        feed: String, feedURL: String?, published: Date?, detected: Date, terms: [String], summary: String?,
        story: String, sources: Int, kind: AlertKind = .new, extra: AlertExtra = AlertExtra()
    ) {
        self.id = id
        self.topic = topic
        self.topicName = topicName
        self.priority = priority
        self.title = title
        self.link = link
        self.feed = feed
        self.feedURL = feedURL
        self.published = published
        self.detected = detected
        self.terms = terms
        self.summary = summary
        self.story = story
        self.sources = sources
        self.kind = kind
        self.extra = extra
    }

    /// The record in the contract's key order.
    public var json: JSONValue {
        .object([
            ("id", .string(id)), ("topic", .string(topic)), ("topic_name", .string(topicName)),
            ("priority", .string(priority.rawValue)), ("title", .string(title)), ("link", .string(link)),
            ("feed", .string(feed)), ("feed_url", .string(feedURL)), ("published", .timestamp(published)),
            ("detected", .timestamp(detected)), ("terms", .array(terms.map { .string($0) })),
            ("summary", .string(summary)), ("story", storyJSON), ("sources", sourcesJSON),
        ]).appending(kindFields)
    }
}
