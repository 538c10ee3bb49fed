import Foundation
import NewswatchCore

// What both stores' `raiseSpikes` make of a count (the PostgreSQL store uses these; SQLite's inline copy can too).
extension SpikeRule {
    /// The `spike` alert for `topic` at `now` (store seconds): its id names the topic and the instant, so two
    /// daemons raising the same spike at the same instant make the same alert.
    static func alert(topic: TopicDefinition, now t: Int64, lastHour: Int, baseline: Double) -> Alert {
        let id = ContentHash.hex(fields: ["spike", topic.id, String(t)])
        return Alert(
            id: id, topic: topic.id, topicName: topic.name, priority: topic.priority,
            title: "Spike: \(lastHour) items on \(topic.name) in the last hour", link: nil, feed: "newswatch",
            feedURL: nil, published: nil, detected: Date(storeSeconds: t), terms: [], summary: nil,
            story: "spike:" + id, sources: 0, kind: .spike,
            extra: AlertExtra(itemsLastHour: lastHour, baseline: baseline))
    }

    /// Adds one item's stored matches (an `items.matches` value) to window `w` of `counts`, for `topics` only,
    /// counting each topic once per item.
    static func count(
        matches text: String, window w: Int, windows: Int, topics: Set<String>, into counts: inout [String: [Int]]
    ) {
        for topic in Set(StoredMatch.decode(text).map(\.topic)) where topics.contains(topic) {
            counts[topic, default: Array(repeating: 0, count: windows)][w] += 1
        }
    }
}
