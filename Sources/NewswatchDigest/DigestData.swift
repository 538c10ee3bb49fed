import Foundation

/// Everything one digest shows, as plain values: what the store supplies and the renderers turn into files.
///
/// Renderers depend only on this value: equal data gives identical bytes (there is no generation time).
/// Topics appear in the order given (the config's order).
public struct DigestData: Sendable, Equatable {
    public var period: DigestPeriod
    public var topics: [DigestTopic]
    public var feedHealth: DigestFeedHealth

    public init(period: DigestPeriod, topics: [DigestTopic], feedHealth: DigestFeedHealth = DigestFeedHealth()) {
        self.period = period
        self.topics = topics
        self.feedHealth = feedHealth
    }
}
