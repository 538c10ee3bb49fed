import Foundation

/// A topic's alerts beyond the first per story (CONTRACT §10): escalation and spikes.
public struct TopicAlertRules: Sendable, Equatable {
    /// `escalate_sources`: an alerted story that reaches this many sources alerts once more (`kind: "update"`).
    public var escalateSources: Int?
    /// `spike_factor`: items first seen in the last hour ≥ this × the 7-day average for that hour is a spike.
    public var spikeFactor: Double?
    /// `spike_min_items`: and at least this many items.
    public var spikeMinItems: Int

    /// The default `spike_min_items`.
    public static let defaultSpikeMinItems = 5

    /// The rules from their parts; all off by default.
    public init(escalateSources: Int? = nil, spikeFactor: Double? = nil, spikeMinItems: Int = defaultSpikeMinItems) {
        self.escalateSources = escalateSources
        self.spikeFactor = spikeFactor
        self.spikeMinItems = spikeMinItems
    }
}
