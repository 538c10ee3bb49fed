import Foundation

/// Everything one digest shows, as plain values: what the store supplies and the renderers turn into files.
///
/// Renderers depend only on this value: equal data gives identical bytes (there is no generation time).
/// Topics appear in the order given (the config's order).
package struct DigestData: Sendable, Equatable {
    package var period: DigestPeriod
    package var topics: [DigestTopic]
    package var feedHealth: DigestFeedHealth

    package init(period: DigestPeriod, topics: [DigestTopic], feedHealth: DigestFeedHealth = DigestFeedHealth()) {
        self.period = period
        self.topics = topics
        self.feedHealth = feedHealth
    }
}
