import Foundation
import NewswatchStore

extension DigestFeedHealth {
    /// A feed among the slowest to detect: its detection delay percentiles over the 7 days to the period's end.
    package struct SlowFeed: Sendable, Equatable {
        package var feed: String
        package var url: String?
        package var delay: DelayPercentiles
        /// How many dated new items the percentiles are over.
        package var items: Int

        package init(feed: String, url: String?, delay: DelayPercentiles, items: Int) {
            self.feed = feed
            self.url = url
            self.delay = delay
            self.items = items
        }
    }

    /// How many feeds the section names.
    package static let slowestCount = 3
}
