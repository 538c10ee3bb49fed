import Foundation
import NewswatchCore
import PostgresNIO

extension PostgresStore {
    /// Checks every topic with a `spike_factor` at `now` and creates a `spike` alert (and its delivery rows to
    /// `sinks`) for each that spikes and has not spiked in the last 6 hours, as `SQLiteStore.raiseSpikes`: counted
    /// in reads, written in one transaction taken only when a topic spikes. Several daemons check with their own
    /// clocks (a few seconds apart), so the `spikes` primary key alone would not stop a second spike: each topic's
    /// check-and-insert holds a transaction-scoped advisory lock on the topic, so the second daemon waits, then sees
    /// the first's spike within the quiet period and raises nothing.
    /// - Returns: the spike alerts created.
    public func raiseSpikes(topics: [TopicDefinition], sinks: [SinkRoute], now: Date) async throws -> [Alert] {
        let rules = topics.compactMap { topic -> (TopicDefinition, SpikeRule)? in
            guard topic.alert, let factor = topic.rules.spikeFactor else { return nil }
            return (topic, SpikeRule(factor: factor, minItems: topic.rules.spikeMinItems))
        }
        guard !rules.isEmpty else { return [] }
        let t = now.storeSeconds
        let counts = try await spikeCounts(now: t, topics: Set(rules.map(\.0.id)))
        let spiking = rules.filter { topic, rule in
            let c = counts[topic.id] ?? [0]
            return rule.isSpike(lastHour: c[0], baseline: SpikeRule.baseline(Array(c.dropFirst())))
        }.map(\.0)
        guard !spiking.isEmpty else { return [] }
        return try await transaction("raise spikes") { c -> [Alert] in
            var alerts: [Alert] = []
            for topic in spiking {
                let n = counts[topic.id] ?? [0]
                let alert = SpikeRule.alert(
                    topic: topic, now: t, lastHour: n[0], baseline: SpikeRule.baseline(Array(n.dropFirst())))
                let lockKey = "newswatch-spike:" + topic.id
                try await c.query("SELECT pg_advisory_xact_lock(hashtextextended(\(lockKey), 0))", logger: logger)
                let last = try await c.rows("SELECT max(at) FROM spikes WHERE topic = \(topic.id)", logger: logger)
                if let at = try last.first?.decode(Int64?.self), Double(t - at) < SpikeRule.quietPeriod { continue }
                let made = try await c.rows(
                    """
                    INSERT INTO spikes(topic, at, alert_id) VALUES (\(topic.id), \(t), \(alert.id))
                    ON CONFLICT DO NOTHING RETURNING 1
                    """, logger: logger)
                guard !made.isEmpty else { continue }
                let release = topic.delivery.release(at: alert.detected, priority: topic.priority)
                if try await Self.insertAlert(alert, sinks: sinks, release: release, c, logger: logger) {
                    alerts.append(alert)
                }
            }
            return alerts
        }
    }

    /// Matching items (not held back) per topic in each of ``SpikeRule/windows(now:)``, for `topics` only.
    private func spikeCounts(now t: Int64, topics: Set<String>) async throws -> [String: [Int]] {
        let windows = SpikeRule.windows(now: t)
        var counts: [String: [Int]] = [:]
        for (w, window) in windows.enumerated() {
            let rows = try await rows(
                """
                SELECT matches FROM items
                WHERE first_seen >= \(window.lowerBound) AND first_seen < \(window.upperBound) AND NOT held_back
                    AND matches IS NOT NULL
                """, "count spike items")
            for row in rows {
                SpikeRule.count(
                    matches: try row.decode(String.self), window: w, windows: windows.count, topics: topics,
                    into: &counts)
            }
        }
        return counts
    }
}
