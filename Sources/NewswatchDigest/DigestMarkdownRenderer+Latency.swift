import Foundation
import NewswatchStore

extension DigestMarkdownRenderer {
    /// The slowest feeds after the rest of feed health; nothing without dated items.
    static func slowestLines(_ health: DigestFeedHealth) -> [String] {
        guard !health.slowest.isEmpty else { return [] }
        return ["", "Slowest to detect (7 days to the end of the period, publication to detection):", ""]
            + health.slowest.map { s in
                "- " + feedName(s.feed, s.url) + ": p95 " + DelayPercentiles.text(s.delay.p95) + ", p50 "
                    + DelayPercentiles.text(s.delay.p50) + " (" + DigestText.count(s.items, "item", "items") + ")."
            }
    }
}
