import Foundation
import NewswatchCore
import NewswatchStore
import NewswatchSystem

// Timed deliveries (CONTRACT §10): the outbox rows of one (topic, not_before) go as ONE message and are marked
// delivered together, in one transaction; until then they stay pending, so a crash resends the same batch.
extension SinkWorker {
    /// The most timed deliveries one drain reads; more (a huge batch) go as a further message of the same period.
    static let releasedLimit = 10_000
    /// How long a period's batch waits past its end: a poll that fetched before the end commits its alerts a moment
    /// after it, and they should join the batch rather than go alone as a further message. `run --once` does not wait.
    static let releaseGrace: TimeInterval = 10

    /// Sends every batch whose time has come at `now`, one message per (topic, period end).
    /// - Parameters:
    ///   - attemptsDue: honour backoff after failures (false once the sink answered, or for `run --once`).
    ///   - sinkError: the sink already failed in this drain: record the batches as failed without trying them.
    func sendReleased(
        at now: Date, attemptsDue: Bool, deadline: ContinuousClock.Instant?, sinkError: inout String?,
        into result: inout SinkDrainResult
    ) async {
        let store = store
        let id = endpoint.id
        let rows: [PendingDelivery]
        do {
            rows = try await store.releasedDeliveries(
                sink: id, at: now, attemptsDue: attemptsDue, limit: Self.releasedLimit)
        } catch {
            logger.error("cannot read the outbox: \(error)")
            return
        }
        // A first attempt waits out the grace; a retry (attempts > 0) goes when due, as before.
        let settled = now.addingTimeInterval(deadline == nil ? -Self.releaseGrace : 0)
        let ripe = rows.filter { $0.attempts > 0 || ($0.release?.notBefore ?? now) <= settled }
        for group in Self.batches(ripe) {
            if Task.isCancelled { return }
            if let deadline, ContinuousClock.now >= deadline { return }
            if let error = sinkError {
                await recordFailure(of: group.deliveries, error: error, at: now, into: &result)
                continue
            }
            // The group's claims renewed just before the send; a part another daemon took (its claim ran out
            // during a long drain) leaves the whole group to that daemon.
            let alerts = group.deliveries.map(\.alert)
            guard await claimForSending(alerts, at: sendTime(now)).count == alerts.count else { continue }
            result.attempts += 1
            switch await attempt(.topicBatch(group.batch), deadline: deadline) {
            case .success:
                await markDelivered(group.batch.alerts.map(\.id), at: now)
                result.delivered += group.batch.alerts.count
                logger.info(
                    "batch sent",
                    metadata: [
                        "topic": "\(group.batch.topic)", "alerts": "\(group.batch.alerts.count)",
                        "held": "\(group.batch.hold.rawValue)",
                    ])
            case .failure(let error):
                if Task.isCancelled { return }  // shutdown: the rows stay pending as they were
                sinkError = error.description
                await recordFailure(of: group.deliveries, error: error.description, at: now, into: &result)
            }
        }
    }

    /// When this sink's next batch goes after `now` (its instant plus the grace), from the outbox.
    func loadNextRelease(after now: Date) async -> Date? {
        let store = store
        let id = endpoint.id
        let grace = Self.releaseGrace
        let next = try? await store.nextRelease(sink: id, after: now.addingTimeInterval(-grace))
        return (next ?? nil).map { $0.addingTimeInterval(grace) }
    }

    /// Rows (ordered by release instant, topic, alert) grouped into one batch per (release instant, topic).
    static func batches(_ rows: [PendingDelivery]) -> [(batch: TopicBatch, deliveries: [PendingDelivery])] {
        var groups: [(batch: TopicBatch, deliveries: [PendingDelivery])] = []
        for row in rows {
            guard let release = row.release else { continue }
            if let last = groups.last, last.batch.topic == row.alert.topic,
                last.batch.periodEnd == release.notBefore
            {
                groups[groups.count - 1].deliveries.append(row)
                groups[groups.count - 1].batch.alerts.append(row.alert)
                groups[groups.count - 1].batch.periodStart = min(last.batch.periodStart, release.periodStart)
                if release.hold == .quiet { groups[groups.count - 1].batch.hold = .quiet }
            } else {
                let batch = TopicBatch(
                    topic: row.alert.topic, topicName: row.alert.topicName, periodStart: release.periodStart,
                    periodEnd: release.notBefore, hold: release.hold, alerts: [row.alert])
                groups.append((batch, [row]))
            }
        }
        return groups
    }
}
