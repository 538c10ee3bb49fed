import Foundation
import NewswatchCore

/// The message a sink gets when `max_per_hour` held back alerts of one topic.
package struct RateLimitSummary: Sendable, Equatable {
    package var topic: String
    package var topicName: String
    /// How many alerts were held back.
    package var heldBack: Int
    /// When the first alert was held back and when the hold ended.
    package var from: Date
    package var until: Date
    /// Titles of the first held-back alerts (at most ``SinkRateLimiter/sampleLimit``).
    package var sampleTitles: [String]

    package init(topic: String, topicName: String, heldBack: Int, from: Date, until: Date, sampleTitles: [String]) {
        self.topic = topic
        self.topicName = topicName
        self.heldBack = heldBack
        self.from = from
        self.until = until
        self.sampleTitles = sampleTitles
    }

    /// `12 more alerts for 'gaza' in the last hour were held back: A; B; C; and 9 others`.
    package var text: String {
        let noun = heldBack == 1 ? "alert" : "alerts"
        let verb = heldBack == 1 ? "was" : "were"
        var text = "\(heldBack) more \(noun) for '\(topic)' in the last hour \(verb) held back"
        guard !sampleTitles.isEmpty else { return text }
        text += ": " + sampleTitles.joined(separator: "; ")
        let others = heldBack - sampleTitles.count
        if others > 0 { text += "; and \(others) \(others == 1 ? "other" : "others")" }
        return text
    }

    /// The JSON sent to webhook (`json` format) and exec sinks; `type` tells it apart from an alert record.
    package var json: JSONValue {
        .object([
            ("type", .string("rate_limit_summary")), ("topic", .string(topic)), ("topic_name", .string(topicName)),
            ("held_back", .int(heldBack)), ("from", .timestamp(from)), ("until", .timestamp(until)),
            ("titles", .array(sampleTitles.map { .string($0) })), ("text", .string(text)),
        ])
    }
}
