import Foundation

/// An operator event (CONTRACT §10): a feed down or back, a sink failing. Written to
/// `<output_dir>/events/YYYY-MM-DD.jsonl` and sent to the sinks whose `events` list its kind.
public struct OperatorEvent: Sendable, Equatable {
    /// Unique per event (its kind, subject, `since` and when it was raised); stored once, so stable across restarts.
    public var id: String
    /// What happened.
    public var kind: OperatorEventKind
    /// The feed's name, or the sink's display name for `sink_failing`.
    public var feed: String
    /// The feed's URL without user-info; `nil` for a sink.
    public var url: String?
    /// When the incident began.
    public var since: Date
    /// The last error, if any.
    public var error: String?
    /// When the event was raised (names the events file).
    public var at: Date

    /// An event from its parts.
    public init(
        id: String, kind: OperatorEventKind, feed: String, url: String?, since: Date, error: String?, at: Date
    ) {
        self.id = id
        self.kind = kind
        self.feed = feed
        self.url = url
        self.since = since
        self.error = error
        self.at = at
    }

    /// The record: `{"id", "kind", "feed", "url", "since", "error"}` (`id` tells apart events that read alike).
    public var json: JSONValue {
        .object([
            ("id", .string(id)), ("kind", .string(kind.rawValue)), ("feed", .string(feed)), ("url", .string(url)),
            ("since", .timestamp(since)), ("error", .string(error)),
        ])
    }
}

/// The kinds of operator event a sink can ask for (`events = [...]`).
public enum OperatorEventKind: String, Sendable, Codable, CaseIterable {
    /// A feed failing for `daemon.feed_down_after`, or silent.
    case feedDown = "feed_down"
    /// The first success of a feed that was down.
    case feedRecovered = "feed_recovered"
    /// A sink whose oldest owed alert has failed and waited `daemon.feed_down_after`.
    case sinkFailing = "sink_failing"
}
