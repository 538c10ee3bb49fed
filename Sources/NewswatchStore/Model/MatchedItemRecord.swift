import Foundation
import NewswatchCore

/// One item that matched one topic when first seen (digests).
public struct MatchedItemRecord: Sendable, Equatable {
    public var topic: String
    /// The matched terms as written in the query, in first-occurrence order.
    public var terms: [String]
    /// The fields the terms matched in.
    public var fields: [ItemField]
    /// The story id, as carried by alerts.
    public var story: String
    /// The story's row id (`DigestStore.storySources`): one story, whatever its key.
    public var storyRowID: Int64
    /// Whether the alerts carrying `story` are this story's: `false` for a story that shares its key with another,
    /// alerted, story (an item retention forgot, reborn beside its unalerted old story; SQLite's `story_keys`).
    public var ownsStoryKey: Bool
    public var feedKey: String
    public var feedName: String
    public var feedURL: String?
    public var title: String?
    public var link: String?
    public var summary: String?
    /// The item's date; for undated items the time they were first seen.
    public var published: Date
    /// Whether the feed gave no usable date (then `published == firstSeen`).
    public var undated: Bool
    public var firstSeen: Date

    public init(
        topic: String, terms: [String], fields: [ItemField], story: String, storyRowID: Int64, feedKey: String,
        feedName: String, feedURL: String?, title: String?, link: String?, summary: String?, published: Date,
        undated: Bool, firstSeen: Date, ownsStoryKey: Bool = true
    ) {
        self.ownsStoryKey = ownsStoryKey
        self.topic = topic
        self.terms = terms
        self.fields = fields
        self.story = story
        self.storyRowID = storyRowID
        self.feedKey = feedKey
        self.feedName = feedName
        self.feedURL = feedURL
        self.title = title
        self.link = link
        self.summary = summary
        self.published = published
        self.undated = undated
        self.firstSeen = firstSeen
    }
}

/// One feed's item within a story (digests list every source of a story).
public struct StorySource: Sendable, Equatable {
    public var feedKey: String
    public var feedName: String
    public var feedURL: String?
    public var title: String?
    public var link: String?
    public var published: Date
    public var firstSeen: Date

    public init(
        feedKey: String, feedName: String, feedURL: String?, title: String?, link: String?, published: Date,
        firstSeen: Date
    ) {
        self.feedKey = feedKey
        self.feedName = feedName
        self.feedURL = feedURL
        self.title = title
        self.link = link
        self.published = published
        self.firstSeen = firstSeen
    }
}

/// One recorded failed fetch (digests' feed-health section).
public struct FetchEventRecord: Sendable, Equatable {
    public var feedKey: String
    public var feedName: String
    public var feedURL: String?
    public var at: Date
    public var kind: String
    public var message: String
    public var httpStatus: Int?

    public init(
        feedKey: String, feedName: String, feedURL: String?, at: Date, kind: String, message: String, httpStatus: Int?
    ) {
        self.feedKey = feedKey
        self.feedName = feedName
        self.feedURL = feedURL
        self.at = at
        self.kind = kind
        self.message = message
        self.httpStatus = httpStatus
    }
}

/// Totals for `status`.
public struct StoreTotals: Sendable, Equatable {
    /// Active feeds.
    public var feeds: Int
    /// Active feeds whose last fetch failed.
    public var failing: Int
    /// Stored items.
    public var items: Int
    /// Alerts detected since the requested instant.
    public var alertsSince: Int

    public init(feeds: Int, failing: Int, items: Int, alertsSince: Int) {
        self.feeds = feeds
        self.failing = failing
        self.items = items
        self.alertsSince = alertsSince
    }
}

/// What one `Store.prune` removed.
public struct PruneOutcome: Sendable, Equatable {
    public var items: Int
    public var stories: Int
    public var fetchEvents: Int
    public var alerts: Int
    public var feeds: Int

    public init(items: Int = 0, stories: Int = 0, fetchEvents: Int = 0, alerts: Int = 0, feeds: Int = 0) {
        self.items = items
        self.stories = stories
        self.fetchEvents = fetchEvents
        self.alerts = alerts
        self.feeds = feeds
    }
}
