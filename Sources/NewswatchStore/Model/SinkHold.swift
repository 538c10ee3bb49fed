import Foundation

/// A sink's `max_per_hour` hold of one topic kept in a store several daemons share (CONTRACT §9, §10): from the first
/// alert over the limit, for one window; what was held back, for the one summary message sent when it ends.
public struct SinkHold: Sendable, Equatable {
    /// The sink and the topic held.
    public var sink: String
    public var topic: String
    /// The topic's display name (from its alerts).
    public var topicName: String
    /// When the hold began (the first alert held back) and when it ends.
    public var since: Date
    public var until: Date
    /// How many alerts of the topic were held back for the sink during the hold, by any daemon.
    public var heldBack: Int
    /// The first held-back alerts' titles, oldest first (at most five).
    public var sampleTitles: [String]

    /// A hold from its parts.
    public init(
        sink: String, topic: String, topicName: String, since: Date, until: Date, heldBack: Int,
        sampleTitles: [String]
    ) {
        self.sink = sink
        self.topic = topic
        self.topicName = topicName
        self.since = since
        self.until = until
        self.heldBack = heldBack
        self.sampleTitles = sampleTitles
    }
}
