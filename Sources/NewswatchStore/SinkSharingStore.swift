import Foundation

/// What a sink needs so that several daemons on one store send each email batch once and keep one `max_per_hour`
/// per sink and topic together (CONTRACT §9, §10). With one daemon (SQLite, or a store opened without claims) the
/// answers are plain reads and the caller counts its own rate.
public protocol SinkSharingStore: Sendable {
    /// Deliveries owed to `sink` as ``Store/pendingDeliveries(sink:dueAt:limit:)`` returns them, but never claimed:
    /// for a sink that holds alerts in a batch window longer than a claim may last. Rows another daemon has claimed
    /// (it is sending them) are left out; ``claimForSending(alertIDs:sink:at:)`` claims at send time.
    func unclaimedDeliveries(sink: String, dueAt now: Date?, limit: Int) async throws -> [PendingDelivery]

    /// Claims for sending at `now` the deliveries of `alertIDs` to `sink` that are still owed and that no other
    /// daemon holds; returns the alert ids claimed (the others are sent, or being sent, by another daemon).
    func claimForSending(alertIDs: [String], sink: String, at now: Date) async throws -> Set<String>

    /// Admits one alert to `sink` under its per-topic `limit` per `window`, counted over every daemon: `true` when
    /// fewer than `limit` alerts of `topic` were admitted to `sink` in the `window` before `now` (the alert is then
    /// counted at `now`) or when the alert was admitted before; `false` when it is held back — the topic is held for
    /// the sink (a hold that began within `window` before `now`), or this alert exceeds the limit and begins a hold
    /// of one `window`; either way it is counted in the hold. `nil`: the store serves one daemon, which counts and
    /// holds on its own.
    func admitToSink(
        alertID: String, sink: String, topic: String, at now: Date, limit: Int, window: TimeInterval
    ) async throws -> Bool?

    /// The holds of `sink` that ended at or before `now` and whose summary no daemon has sent, claimed for this
    /// daemon (for `lease`: a daemon that dies before sending leaves it to another). Empty for a store serving one
    /// daemon (its limiter keeps its own holds).
    func claimEndedHolds(sink: String, at now: Date) async throws -> [SinkHold]

    /// Records that the summary of the hold of `topic` on `sink` that began at `since` was sent (or given up).
    func markHoldSummarized(sink: String, topic: String, since: Date, at now: Date) async throws
}
