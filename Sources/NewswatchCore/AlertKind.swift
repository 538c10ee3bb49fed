import Foundation

/// Why an alert was made (CONTRACT §4 `kind`, §10).
public enum AlertKind: String, Sendable, Codable, CaseIterable {
    /// The first alert of a (story, topic).
    case new
    /// An alerted story reached the topic's `escalate_sources`.
    case update
    /// A topic's items in the last hour reached `spike_factor` times its 7-day baseline for that hour.
    case spike
}

/// The fields an `update` or `spike` alert adds to the record; `nil` where the kind has none.
public struct AlertExtra: Sendable, Equatable {
    /// An update's source count at the story's previous alert for the topic.
    public var previousSources: Int?
    /// A spike's matching items first seen in the last hour.
    public var itemsLastHour: Int?
    /// A spike's 7-day average of matching items for the same hour of the day.
    public var baseline: Double?

    /// The extra fields from their parts; all absent by default (a `new` alert).
    public init(previousSources: Int? = nil, itemsLastHour: Int? = nil, baseline: Double? = nil) {
        self.previousSources = previousSources
        self.itemsLastHour = itemsLastHour
        self.baseline = baseline
    }
}
