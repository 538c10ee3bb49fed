import Foundation
import NewswatchStore

extension DigestBuilder {
    /// The ``DigestFeedHealth/slowestCount`` feeds with the highest p95 detection delay over the 7 days before the
    /// period's end (ties by p50, then name): bounded by the period, so a rewrite gives the same bytes.
    func slowestFeeds(_ period: DigestPeriod) async throws -> [DigestFeedHealth.SlowFeed] {
        let delays = try await store.detectionDelays(
            firstSeenFrom: period.end.addingTimeInterval(-DelayPercentiles.window), to: period.end, backfill: backfill)
        guard !delays.isEmpty else { return [] }
        let names = Dictionary(
            try await store.feedStates(includeInactive: true).map { ($0.key, ($0.name, $0.url)) },
            uniquingKeysWith: { first, _ in first })
        let feeds = delays.compactMap { key, values -> DigestFeedHealth.SlowFeed? in
            guard let delay = DelayPercentiles(values) else { return nil }
            let (name, url) = names[key] ?? (key, nil)
            return DigestFeedHealth.SlowFeed(feed: name, url: url, delay: delay, items: values.count)
        }
        return Array(
            feeds.sorted {
                if $0.delay.p95 != $1.delay.p95 { return $0.delay.p95 > $1.delay.p95 }
                if $0.delay.p50 != $1.delay.p50 { return $0.delay.p50 > $1.delay.p50 }
                return ($0.feed, $0.url ?? "") < ($1.feed, $1.url ?? "")
            }.prefix(DigestFeedHealth.slowestCount))
    }
}
