import Foundation
import NewswatchStore

extension DigestHTMLRenderer {
    /// The slowest feeds inside the feed-health section; empty without dated items.
    static func slowestSection(_ health: DigestFeedHealth) -> String {
        guard !health.slowest.isEmpty else { return "" }
        var out =
            "<h3>Slowest to detect</h3>\n<p>7 days to the end of the period, publication to detection.</p>\n<ul>\n"
        for s in health.slowest {
            out +=
                "<li>" + feedName(s.feed, s.url) + ": p95 " + DelayPercentiles.text(s.delay.p95) + ", p50 "
                + DelayPercentiles.text(s.delay.p50) + " (" + DigestText.count(s.items, "item", "items") + ").</li>\n"
        }
        return out + "</ul>\n"
    }
}
