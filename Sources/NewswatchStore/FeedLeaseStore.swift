import Foundation

/// What several daemons sharing one store need to share the polling (CONTRACT §9): due feeds claimed with expiring
/// leases, so each is polled by one daemon at a time and a dead daemon's feeds pass to the others. The PostgreSQL
/// store provides it; a SQLite store belongs to one daemon and needs none.
public protocol FeedLeaseStore: Sendable {
    /// Claims up to `limit` active feeds due at `now` whose lease is free or expired, for `owner` until
    /// `now + lease`, within the per-host limit across all daemons, except the feeds in `excluding` (ones the
    /// claimer's configuration lacks). Each lease carries the feed's state as the claim found it.
    func claimDueFeeds(
        owner: String, now: Date, lease: TimeInterval, limit: Int, excluding: [String]
    ) async throws -> [FeedLease]

    /// Gives a feed back after its poll is recorded; only `owner`'s own lease is released.
    @discardableResult
    func releaseLease(key: String, owner: String) async throws -> Bool

    /// When the next unleased feed falls due (or a held lease expires) after `now`; `nil`: nothing is scheduled.
    func nextDueTime(at now: Date) async throws -> Date?
}
