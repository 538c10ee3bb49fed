import Foundation
import Logging
import NewswatchStore
import NewswatchSystem

/// A daemon's feed leases, claimed only while it holds its share of the store's presence lock (``StorePresence``):
/// while a `run --once` holds the lock exclusively, which polls every feed whatever its lease, this daemon claims
/// nothing, so no feed is polled twice in one interval (CONTRACT §9). The loop goes on beating and retries every
/// second; the first claim after the round takes the lock and the store's due times (which the round recorded) say
/// what is due.
struct PresenceGatedLeases: FeedLeaseStore {
    let base: any FeedLeaseStore
    let presence: StorePresence
    let logger: Logger
    /// Whether this daemon is waiting for the lock now, so the wait is logged once, and its end.
    private let waiting = Locked(false)

    init(base: any FeedLeaseStore, presence: StorePresence, logger: Logger) {
        self.base = base
        self.presence = presence
        self.logger = logger
    }

    /// How often a daemon kept out by `run --once` tries the lock again.
    static let retryInterval: TimeInterval = 1

    func claimDueFeeds(owner: String, now: Date, lease: TimeInterval, limit: Int) async throws -> [FeedLease] {
        guard try await present() else { return [] }
        return try await base.claimDueFeeds(owner: owner, now: now, lease: lease, limit: limit)
    }

    func releaseLease(key: String, owner: String) async throws -> Bool {
        try await base.releaseLease(key: key, owner: owner)
    }

    func nextDueTime(at now: Date) async throws -> Date? {
        // Kept out: the feeds are due now, but waking for them before the lock is free would spin.
        guard await presence.isHeld else { return now.addingTimeInterval(Self.retryInterval) }
        return try await base.nextDueTime(at: now)
    }

    /// Takes (or still holds) the lock, logging when a `run --once` keeps this daemon out and when it may go on.
    private func present() async throws -> Bool {
        let held = try await presence.acquire()
        let wasWaiting = waiting.withLock { was in
            defer { was = !held }
            return was
        }
        if !held && !wasWaiting {
            logger.notice("a run --once is polling this store: claiming no feed until it ends")
        } else if held && wasWaiting {
            logger.notice("the run --once on this store ended: claiming feeds again")
        }
        return held
    }
}
