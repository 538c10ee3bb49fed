import Foundation

/// One alert record, as written to `alerts/YYYY-MM-DD.jsonl` and sent to every sink (CONTRACT §4).
public struct Alert: Sendable, Equatable {
    /// Unique per (story, topic), stable, not the item's feed id.
    public var id: String
    public var topic: String
    public var topicName: String
    public var priority: Priority
    public var title: String?
    public var link: String?
    public var feed: String
    public var feedURL: String?
    public var published: Date?
    public var detected: Date
    public var terms: [String]
    /// At most 300 characters of plain text.
    public var summary: String?
    public var story: String
    public var sources: Int
    /// `new`, `update` (escalation) or `spike` (CONTRACT §4, §10); `extra` holds what the kind adds.
    public var kind: AlertKind
    /// The kind's own fields: `previous_sources` of an update, `items_last_hour` and `baseline` of a spike.
    public var extra: AlertExtra

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
