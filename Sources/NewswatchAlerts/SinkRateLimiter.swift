import Foundation

/// A sink's per-topic `max_per_hour` limit: a sliding one-hour window that, when it trips, holds back the
/// topic's further alerts for an hour and then yields one summary message.
///
/// Pure logic over explicit times; the dispatcher keeps one per sink, for a store that does not count
/// (`SinkSharingStore.admitToSink` answers `nil`). SQLite and PostgreSQL count, hold and summarize in the store
/// instead, so holds outlast a reload and, on PostgreSQL, count for every daemon. Per topic:
/// - an alert is admitted while fewer than `maxPerHour` were admitted in the hour before it;
/// - the first alert over the limit trips the topic: it and every further alert of the topic are held back
///   until one hour after the trip;
/// - when that hour is over, ``dueSummaries(at:)`` returns one ``RateLimitSummary`` of what was held back, and
///   the topic starts afresh.
/// Held-back alerts are not delivered to this sink later; the file sink has them all.
package struct SinkRateLimiter: Sendable {
    /// Whether an alert may go to the sink.
    package enum Decision: Sendable, Equatable {
        case deliver
        case holdBack
    }

    /// How many held-back titles a summary names.
    package static let sampleLimit = 5

    /// `nil`: no limit.
    package let maxPerHour: Int?
    package let window: TimeInterval

    private struct TopicState: Sendable {
        var admitted: [Date] = []
        var hold: Hold?
    }
    private struct Hold: Sendable {
        var topicName: String
        var since: Date
        var count = 0
        var titles: [String] = []
    }
    private var topics: [String: TopicState] = [:]

    /// - Parameter maxPerHour: the sink's `max_per_hour`; `nil` or less than 1 disables the limit.
    package init(maxPerHour: Int?, window: TimeInterval = 3600) {
        self.maxPerHour = maxPerHour.flatMap { $0 >= 1 ? $0 : nil }
        self.window = window
    }

    /// Decides for one alert of `topic` detected (or dispatched) at `time`, and records the decision.
    /// Call ``dueSummaries(at:)`` first, so a hold that ended before `time` is closed.
    package mutating func admit(topic: String, topicName: String, title: String?, at time: Date) -> Decision {
        guard let maxPerHour else { return .deliver }
        var state = topics[topic] ?? TopicState()
        defer { topics[topic] = state }
        if var hold = state.hold, time < hold.since.addingTimeInterval(window) {
            hold.count += 1
            if hold.titles.count < Self.sampleLimit { hold.titles.append(title ?? "(untitled)") }
            state.hold = hold
            return .holdBack
        }
        state.admitted.removeAll { $0 <= time.addingTimeInterval(-window) }
        if state.admitted.count < maxPerHour {
            state.admitted.append(time)
            return .deliver
        }
        state.hold = Hold(topicName: topicName, since: time, count: 1, titles: [title ?? "(untitled)"])
        return .holdBack
    }

    /// The summaries of holds that ended at or before `time`, oldest first; each is returned once.
    package mutating func dueSummaries(at time: Date) -> [RateLimitSummary] {
        var due: [RateLimitSummary] = []
        for topic in topics.keys.sorted() {
            guard var state = topics[topic], let hold = state.hold else { continue }
            let end = hold.since.addingTimeInterval(window)
            guard end <= time else { continue }
            due.append(
                RateLimitSummary(
                    topic: topic, topicName: hold.topicName, heldBack: hold.count, from: hold.since, until: end,
                    sampleTitles: hold.titles))
            state.hold = nil
            state.admitted.removeAll()
            topics[topic] = state
        }
        return due.sorted { $0.from < $1.from }
    }

    /// When the next summary falls due, so the dispatcher can wake for it; `nil` when no topic is held.
    package var nextSummaryDue: Date? {
        topics.values.compactMap { $0.hold.map { $0.since.addingTimeInterval(window) } }.min()
    }

    /// Whether `topic` is currently held back (for `status`).
    package func isHoldingBack(topic: String) -> Bool { topics[topic]?.hold != nil }
}
