import Foundation
import NewswatchCore

/// One message for one topic and period (`delivery = "batch"`, or alerts held through quiet hours; CONTRACT §10):
/// every story once, with its link and sources.
///
/// Its identity is (topic, period end, the set of its alerts): a retry after a failure or a crash sends the same rows
/// again with the same id (Matrix gets the same transaction id), while a further message of the same period (a row
/// committed after the batch went, the rest of a batch over the drain limit) gets an id of its own, so a receiver
/// that drops resent batches by id never drops it.
package struct TopicBatch: Sendable, Equatable {
    package var topic: String
    package var topicName: String
    /// The start of the earliest period in the batch.
    package var periodStart: Date
    /// When the batch fell due (the end of the batch period or of quiet hours).
    package var periodEnd: Date
    /// Why it waited: a batch period, or quiet hours.
    package var hold: TopicDelivery.Hold
    /// Every alert the batch delivers, in detection order (the outbox rows it marks delivered).
    package var alerts: [Alert]

    package init(
        topic: String, topicName: String, periodStart: Date, periodEnd: Date, hold: TopicDelivery.Hold,
        alerts: [Alert]
    ) {
        self.topic = topic
        self.topicName = topicName
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.hold = hold
        self.alerts = alerts
    }

    /// Each story once, in order of first appearance, as its latest alert says it (most sources).
    package var stories: [Alert] {
        var order: [String] = []
        var latest: [String: Alert] = [:]
        for alert in alerts {
            if let seen = latest[alert.story] {
                if alert.sources >= seen.sources { latest[alert.story] = alert }
            } else {
                order.append(alert.story)
                latest[alert.story] = alert
            }
        }
        return order.compactMap { latest[$0] }
    }

    /// `3 stories on Gaza war, 2026-11-24 22:00-22:15 UTC` (or "held through quiet hours, …").
    package var heading: String {
        let why = hold == .quiet ? " held through quiet hours" : ""
        let from = Self.minute(periodStart)
        var to = Self.minute(periodEnd)
        if to.prefix(11) == from.prefix(11) { to = String(to.dropFirst(11)) }  // the same day: its time only
        return "\(contents) on \(topicName)\(why), \(from)-\(to) UTC"
    }

    /// What the batch lists: `3 stories`, `1 story and 1 spike`, `2 spikes` (a spike has no story).
    package var contents: String {
        let listed = stories
        let spikes = listed.filter { $0.kind == .spike }.count
        let count = listed.count - spikes
        let parts = [
            count > 0 || spikes == 0 ? "\(count) \(count == 1 ? "story" : "stories")" : nil,
            spikes > 0 ? "\(spikes) \(spikes == 1 ? "spike" : "spikes")" : nil,
        ]
        return parts.compactMap { $0 }.joined(separator: " and ")
    }

    /// A key naming this batch (topic, period end and a hash of its sorted alert ids), for message and transaction ids.
    package var key: String {
        let members = SHA256.hash(Array(alerts.map(\.id).sorted().joined(separator: "\n").utf8))
        return "batch\n\(topic)\n\(Int64(periodEnd.timeIntervalSince1970))\n\(members.prefix(16).lowercaseHex)"
    }

    /// The batch's id: the same for every resend of the same alerts (a receiver may drop a resent batch by it), new
    /// for a further message of the same period; 32 hex digits.
    package var id: String { SHA256.hash(Array(key.utf8)).prefix(16).lowercaseHex }

    /// The JSON a `json` webhook and an exec command receive.
    package var json: JSONValue {
        .object([
            ("kind", .string("batch")), ("id", .string(id)), ("topic", .string(topic)),
            ("topic_name", .string(topicName)), ("held", .string(hold.rawValue)),
            ("period_start", .timestamp(periodStart)),
            ("period_end", .timestamp(periodEnd)), ("alerts", .array(stories.map(\.json))),
        ])
    }

    private static func minute(_ date: Date) -> String {
        let text = Timestamp.format(date)  // 2026-11-24T22:00:00Z
        return String(text.prefix(16)).replacingOccurrences(of: "T", with: " ")
    }
}
