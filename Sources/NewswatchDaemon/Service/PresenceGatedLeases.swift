import Foundation
import Logging
import NewswatchCore
import NewswatchStore
import NewswatchSystem

/// A daemon's feed leases, claimed only while it holds its share of the store's presence lock (``StorePresence``):
/// while a `run --once` holds the lock exclusively, which polls every feed whatever its lease, this daemon claims
/// nothing, so no feed is polled twice in one interval (CONTRACT §9). The loop goes on beating and retries every
/// second; the first claim after the round takes the lock and the store's due times (which the round recorded) say
/// what is due. A round that keeps the store for long is named in a warning every ``reminderInterval``.
struct PresenceGatedLeases: FeedLeaseStore {
    let base: any FeedLeaseStore
    let presence: StorePresence
    let logger: Logger
    private let state = Locked(GateState())

    private struct GateState {
        /// Since when a round keeps this daemon out (`nil`: it does not).
        var shutOutSince: ContinuousClock.Instant?
        var lastReminder: ContinuousClock.Instant?
        var losses = 0
    }

    init(base: any FeedLeaseStore, presence: StorePresence, logger: Logger) {
        self.base = base
        self.presence = presence
        self.logger = logger
    }

    /// How often a daemon kept out by `run --once` tries the lock again.
    static let retryInterval: TimeInterval = 1
    /// How often a daemon kept out says so again, naming the round.
    static let reminderInterval: Duration = .seconds(300)

    func claimDueFeeds(
        owner: String, now: Date, lease: TimeInterval, limit: Int, excluding: [String]
    ) async throws -> [FeedLease] {
        guard try await present() else { return [] }
        return try await base.claimDueFeeds(owner: owner, now: now, lease: lease, limit: limit, excluding: excluding)
    }

    func releaseLease(key: String, owner: String) async throws -> Bool {
        try await base.releaseLease(key: key, owner: owner)
    }

    func nextDueTime(at now: Date) async throws -> Date? {
        // Kept out by a round: the feeds are due now, but waking for them before the lock is free would spin.
        if state.withLock({ $0.shutOutSince != nil }) { return now.addingTimeInterval(Self.retryInterval) }
        return try await base.nextDueTime(at: now)
    }

    /// Takes (or still holds) the lock, saying when a `run --once` keeps this daemon out, when it may go on, and when
    /// its share had been lost (its session ended or stopped answering) and was taken again.
    private func present() async throws -> Bool {
        let held = try await presence.acquire()
        let losses = await presence.losses
        let clock = ContinuousClock()
        let (began, ended, remind, lost) = state.withLock { s in
            let began = !held && s.shutOutSince == nil
            let ended = held && s.shutOutSince != nil
            let lost = losses > s.losses
            s.losses = losses
            if began { (s.shutOutSince, s.lastReminder) = (clock.now, clock.now) }
            if ended { s.shutOutSince = nil }
            var remind = false
            if !held, let last = s.lastReminder, clock.now - last >= Self.reminderInterval {
                s.lastReminder = clock.now
                remind = true
            }
            return (began, ended, remind, lost)
        }
        if lost {
            let again = held ? "; taken again" : ""
            logger.warning(
                "this daemon's share of the store's presence lock was lost (its session ended or stopped answering)\(again)"
            )
        }
        if began {
            let who = await holders()
            logger.notice("a run --once is polling this store: claiming no feed until it ends\(who)")
        } else if remind {
            let who = await holders()
            logger.warning("still claiming no feed: a run --once holds this store\(who)")
        } else if ended {
            logger.notice("the run --once on this store ended: claiming feeds again")
        }
        return held
    }

    /// `" (name, since …)"` for the sessions keeping this daemon out, or nothing when they cannot be read.
    private func holders() async -> String {
        guard let holders = try? await presence.holders(), !holders.isEmpty else { return "" }
        let names = holders.map { "\($0.name), connected since \(Timestamp.format($0.since))" }
        return " (" + names.joined(separator: "; ") + ")"
    }
}
