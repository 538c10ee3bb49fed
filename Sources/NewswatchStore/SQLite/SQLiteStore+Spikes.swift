import Foundation
import GRDB
import NewswatchCore

extension SQLiteStore {
    /// Checks every topic with a `spike_factor` at `now` and creates a `spike` alert (and its delivery rows to
    /// `sinks`) for each that spikes and has not spiked in the last 6 hours: counted in a read, written in one write
    /// transaction taken only when a topic spikes. Items held
    /// back by a first fetch do not count (a new feed's backlog is not a surge). The `spikes` row is written with
    /// the alert, so a restart does not repeat it.
    /// - Returns: the spike alerts created.
    public func raiseSpikes(topics: [TopicDefinition], sinks: [SinkRoute], now: Date) throws -> [Alert] {
        let rules = topics.compactMap { topic -> (TopicDefinition, SpikeRule)? in
            guard topic.alert, let factor = topic.rules.spikeFactor else { return nil }
            return (topic, SpikeRule(factor: factor, minItems: topic.rules.spikeMinItems))
        }
        guard !rules.isEmpty else { return [] }
        let t = now.storeSeconds
        let wanted = Set(rules.map(\.0.id))
        let counts = try read { db in try Self.spikeCounts(db, now: t, topics: wanted) }
        let spiking = rules.filter { topic, rule in
            let c = counts[topic.id] ?? [0]
            return rule.isSpike(lastHour: c[0], baseline: SpikeRule.baseline(Array(c.dropFirst())))
        }
        guard !spiking.isEmpty else { return [] }
        return try write { db in
            var alerts: [Alert] = []
            for (topic, _) in spiking {
                let c = counts[topic.id] ?? [0]
                let baseline = SpikeRule.baseline(Array(c.dropFirst()))
                let last = try Int64.fetchOne(
                    db, sql: "SELECT MAX(at) FROM spikes WHERE topic = ?", arguments: [topic.id])
                if let last, Double(t - last) < SpikeRule.quietPeriod { continue }
                let id = ContentHash.hex(fields: ["spike", topic.id, String(t)])
                let alert = Alert(
                    id: id, topic: topic.id, topicName: topic.name, priority: topic.priority,
                    title: "Spike: \(c[0]) items on \(topic.name) in the last hour", link: nil, feed: "newswatch",
                    feedURL: nil, published: nil, detected: Date(storeSeconds: t), terms: [], summary: nil,
                    story: "spike:" + id,
                    sources: 0, kind: .spike, extra: AlertExtra(itemsLastHour: c[0], baseline: baseline))
                try db.execute(
                    sql: "INSERT INTO spikes(topic, at, alert_id) VALUES (?, ?, ?)", arguments: [topic.id, t, id])
                if try SQLiteStore.insertKindAlert(db, alert, topic: topic, sinks: sinks) { alerts.append(alert) }
            }
            return alerts
        }
    }

    /// Matching items (not held back) per topic in each of ``SpikeRule/windows(now:)``, for `topics` only.
    static func spikeCounts(_ db: Database, now t: Int64, topics: Set<String>) throws -> [String: [Int]] {
        let windows = SpikeRule.windows(now: t)
        var counts: [String: [Int]] = [:]
        for (w, window) in windows.enumerated() {
            let texts = try String.fetchAll(
                db,
                sql: """
                    SELECT matches FROM items
                    WHERE first_seen >= ? AND first_seen < ? AND held_back = 0 AND matches IS NOT NULL
                    """,
                arguments: [window.lowerBound, window.upperBound])
            for text in texts {
                for topic in Set(StoredMatch.decode(text).map(\.topic)) where topics.contains(topic) {
                    counts[topic, default: Array(repeating: 0, count: windows.count)][w] += 1
                }
            }
        }
        return counts
    }
}
