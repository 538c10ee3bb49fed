import Foundation
import NewswatchCore
import NewswatchStore

/// Fills a `DigestData` for one period from the store: the bridge between SQL rows and the renderers.
///
/// Everything it reads is bounded by the period (items first seen in it, sources first seen before its end,
/// failures recorded in it), so rewriting a past period from unchanged data gives the same bytes.
package struct DigestBuilder: Sendable {
    package var store: any DigestStore
    package var topics: [TopicDefinition]
    package var schedule: DigestSchedule
    /// A feed with no new item for this long at the end of a period, while its fetches succeed, is listed as silent.
    package var silenceThreshold: TimeInterval
    /// `daemon.backfill`: only items published within it before detection count towards detection delay.
    package var backfill: TimeInterval = DigestPublisher.defaultBackfill

    package init(
        store: any DigestStore, topics: [TopicDefinition], schedule: DigestSchedule,
        silenceThreshold: TimeInterval = 3 * 86400
    ) {
        self.store = store
        self.topics = topics
        self.schedule = schedule
        self.silenceThreshold = silenceThreshold
    }

    /// The digest data of `period`.
    package func build(_ period: DigestPeriod) async throws -> DigestData {
        let records = try await store.matchedItems(firstSeenFrom: period.start, to: period.end)
        let sources = try await store.storySources(storyRowIDs: Array(Set(records.map(\.storyRowID))).sorted())
        // An alert for (story, topic) may have been raised before this period by an earlier source of the story.
        let alertIDs = Dictionary(
            try await store.alerts(detectedFrom: period.start.addingTimeInterval(-30 * 86400), to: period.end)
                .map { (AlertKey(story: $0.story, topic: $0.topic), $0.id) },
            uniquingKeysWith: { first, _ in first })
        let averages = try await previousAverages(before: period)

        let byTopic = Dictionary(grouping: records, by: \.topic)
        let digestTopics = topics.map { topic -> DigestTopic in
            let matched = byTopic[topic.id] ?? []
            // By row id: two stories may share a key (a reborn item's new story beside its unalerted old one).
            let stories = Dictionary(grouping: matched, by: \.storyRowID).map { rowID, items -> DigestStory in
                let storyID = items[0].story
                let first = items.min { ($0.firstSeen, $0.feedKey) < ($1.firstSeen, $1.feedKey) }!
                var seen = Set<String>()
                let terms = items.flatMap(\.terms).filter { seen.insert($0).inserted }
                let storySources = (sources[rowID] ?? []).filter { $0.firstSeen < period.end }.map {
                    DigestSource(
                        feed: $0.feedName, feedURL: $0.feedURL, title: $0.title, link: $0.link, firstSeen: $0.firstSeen,
                        published: $0.published)
                }
                // A story sharing its key with another, alerted, story has no alert of its own.
                let alertID = items[0].ownsStoryKey ? alertIDs[AlertKey(story: storyID, topic: topic.id)] : nil
                return DigestStory(
                    id: storyID, alertID: alertID, title: first.title, link: first.link, firstSeen: first.firstSeen,
                    terms: terms, summary: Self.shortSummary(first.summary), sources: storySources, rowID: rowID)
            }
            var volume = Array(repeating: 0, count: period.hourStarts.count)
            for record in matched {
                if let hour = period.hourIndex(of: record.firstSeen) { volume[hour] += 1 }
            }
            let average = averages[topic.id]
            return DigestTopic(
                id: topic.id, name: topic.name, priority: topic.priority, stories: stories, itemCount: matched.count,
                storyCount: stories.count, averageItemCount: average?.items, averageStoryCount: average?.stories,
                hourlyVolume: volume)
        }
        return DigestData(period: period, topics: digestTopics, feedHealth: try await feedHealth(period))
    }

    private struct AlertKey: Hashable {
        var story: String
        var topic: String
    }

    /// Average items and stories per period over the 7 periods before `period`, per topic; `nil` for a topic when
    /// the store holds no fetch from before those periods began (a new installation has no baseline yet).
    private func previousAverages(before period: DigestPeriod) async throws -> [String: (
        items: Double, stories: Double
    )] {
        let previous = (1...7).map { schedule.period(issuedOn: period.date.adding(days: -$0)) }
        let earliest = previous.last!.start
        let firstFetch = try await store.feedStates(includeInactive: true).compactMap(\.firstSuccess).min()
        guard let firstFetch, firstFetch <= earliest else { return [:] }
        let records = try await store.matchedItems(firstSeenFrom: earliest, to: period.start)
        var result: [String: (items: Double, stories: Double)] = [:]
        for topic in topics {
            let mine = records.filter { $0.topic == topic.id }
            var stories = 0
            for p in previous {
                stories += Set(mine.filter { p.contains($0.firstSeen) }.map(\.storyRowID)).count
            }
            result[topic.id] = (Double(mine.count) / 7, Double(stories) / 7)
        }
        return result
    }

    private func feedHealth(_ period: DigestPeriod) async throws -> DigestFeedHealth {
        let failures = try await store.fetchFailures(from: period.start, to: period.end)
        let failed = Dictionary(grouping: failures, by: \.feedKey).map { _, events -> DigestFeedHealth.Failure in
            let counts = Dictionary(grouping: events, by: \.message).map {
                DigestFeedHealth.ErrorCount(message: $0.key, count: $0.value.count)
            }
            return DigestFeedHealth.Failure(
                feed: events[0].feedName, url: events[0].feedURL, failures: events.count, errors: counts,
                lastFailure: events.map(\.at).max())
        }
        let failingKeys = Set(failures.map(\.feedKey))
        let silent = try await store.feedStates(includeInactive: false).compactMap {
            state -> DigestFeedHealth.SilentFeed? in
            guard !failingKeys.contains(state.key), let firstSuccess = state.firstSuccess, firstSuccess < period.start
            else { return nil }
            // Only a last new item known to lie inside or before this period says anything about it.
            let lastNew = state.lastNewItem ?? firstSuccess
            guard lastNew < period.end, period.end.timeIntervalSince(lastNew) > silenceThreshold else { return nil }
            return DigestFeedHealth.SilentFeed(feed: state.name, url: state.url, lastNewItem: state.lastNewItem)
        }
        var health = DigestFeedHealth(failed: failed, silent: silent)
        health.slowest = try await slowestFeeds(period)
        return health
    }

    /// At most ~300 characters, cut at a word boundary.
    static func shortSummary(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        guard text.count > 300 else { return text }
        let cut = text.prefix(300)
        let end = cut.lastIndex(of: " ") ?? cut.endIndex
        return String(cut[..<end]) + "…"
    }
}
