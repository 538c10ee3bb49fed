import Foundation
import NewswatchCore
import NewswatchStore

// Several daemons on one store (CONTRACT §9, §10): a due email batch is claimed at send time, and `max_per_hour` is
// counted by the store over every daemon. With one daemon (SQLite) nothing is claimed, and the store still counts:
// its holds and the summaries owed for them outlast a reload.
extension SinkWorker {
    /// Of alerts about to be sent (a due batch, or one alert), those this daemon holds the claim of, renewed from
    /// `now`; the rest are another daemon's (it sends them, or has) and leave this worker's batch. A store error sends
    /// none of them but keeps them owed and admitted: they are read (and batched) again without counting twice
    /// against `max_per_hour`.
    func claimForSending(_ due: [Alert], at now: Date) async -> [Alert] {
        let store = store
        let id = endpoint.id
        let mine: Set<String>
        var lost = true
        do {
            mine = try await store.claimForSending(alertIDs: due.map(\.id), sink: id, at: now)
        } catch {
            logger.error("cannot claim alerts to send: \(error)", metadata: ["alerts": "\(due.count)"])
            mine = []
            lost = false
        }
        for alert in due where !mine.contains(alert.id) {
            batched.removeValue(forKey: alert.id)
            if lost { admitted.remove(alert.id) }
        }
        return due.filter { mine.contains($0.id) }
    }

    /// Whether one more alert of `alert`'s topic fits under `max_per_hour` by the store's count over every daemon;
    /// `nil` when the limiter counts alone (no limit, the topic already held back, a store that does not count, or a
    /// store error).
    func sharedFit(_ alert: Alert, at now: Date) async -> Bool? {
        guard let limit = limiter.maxPerHour, !limiter.isHoldingBack(topic: alert.topic) else { return nil }
        let store = store
        let (id, window) = (endpoint.id, limiter.window)
        do {
            return try await store.admitToSink(
                alertID: alert.id, sink: id, topic: alert.topic, at: now, limit: limit, window: window)
        } catch {
            logger.error(
                "cannot count the sink's alerts of the last hour: \(error)", metadata: ["alert": "\(alert.id)"])
            return nil
        }
    }

    /// The summaries of holds the store kept for every daemon that ended by `now`, claimed by this daemon so that one
    /// daemon sends each.
    func endedSharedHolds(at now: Date) async -> [PendingSummary] {
        guard limiter.maxPerHour != nil else { return [] }
        if let check = sharedHoldCheck, check <= now { sharedHoldCheck = nil }
        let store = store
        let id = endpoint.id
        // A hold whose summary this worker already has (waiting to be retried) stays unsummarized in the store and
        // comes back from every claim until it is sent: one copy, or a sink down for an hour gets ~60 (review 12).
        let queued = summaries.filter(\.shared).map(\.summary)
        do {
            return try await store.claimEndedHolds(sink: id, at: now).filter { hold in
                !queued.contains { $0.topic == hold.topic && $0.from == hold.since }
            }.map { hold in
                PendingSummary(
                    summary: RateLimitSummary(
                        topic: hold.topic, topicName: hold.topicName, heldBack: hold.heldBack, from: hold.since,
                        until: hold.until, sampleTitles: hold.sampleTitles),
                    shared: true, nextAttempt: now)
            }
        } catch {
            logger.error("cannot read the sink's ended holds: \(error)")
            return []
        }
    }

    /// Records a shared hold's summary as sent (or given up), so no daemon sends it again.
    func markSummarized(_ summary: RateLimitSummary, at now: Date) async {
        let store = store
        let id = endpoint.id
        do {
            try await store.markHoldSummarized(sink: id, topic: summary.topic, since: summary.from, at: now)
        } catch {
            logger.error(
                "cannot record a rate-limit summary as sent: \(error)", metadata: ["topic": "\(summary.topic)"])
        }
    }
}
