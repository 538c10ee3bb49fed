import Foundation
import PostgresNIO

/// A feed one daemon has claimed for one poll: it alone fetches it until `until` (CONTRACT §9).
public struct FeedLease: Sendable, Equatable {
    public var key: String
    public var owner: String
    /// When the lease expires and the feed may pass to another daemon.
    public var until: Date

    public init(key: String, owner: String, until: Date) {
        self.key = key
        self.owner = owner
        self.until = until
    }
}

extension PostgresStore {
    /// Claims up to `limit` active feeds due at `now` (`next_due` unset or passed) whose lease is free or expired,
    /// earliest due first, for `owner` until `now + lease`.
    ///
    /// `FOR UPDATE SKIP LOCKED`: daemons claiming at the same moment skip each other's rows instead of waiting or
    /// double-claiming, so a feed is held by one daemon at a time; a dead daemon's leases simply expire.
    public func claimDueFeeds(owner: String, now: Date, lease: TimeInterval, limit: Int) async throws -> [FeedLease] {
        let t = now.storeSeconds
        let until = now.addingTimeInterval(max(lease, 1)).storeSeconds
        let rows = try await self.rows(
            """
            UPDATE feeds SET lease_owner = \(owner), lease_until = \(until)
            WHERE id IN (
                SELECT id FROM feeds
                WHERE active AND (next_due IS NULL OR next_due <= \(t))
                    AND (lease_until IS NULL OR lease_until <= \(t))
                ORDER BY next_due NULLS FIRST, id
                LIMIT \(max(limit, 0))
                FOR UPDATE SKIP LOCKED)
            RETURNING key, lease_owner, lease_until
            """, "claim due feeds")
        return try rows.map { row in
            let (key, owner, until) = try row.decode((String, String, Int64).self)
            return FeedLease(key: key, owner: owner, until: Date(storeSeconds: until))
        }.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }

    /// Gives a feed back before its lease expires (after its poll is recorded); only `owner`'s own lease is
    /// released. Returns whether it held one.
    @discardableResult
    public func releaseLease(key: String, owner: String) async throws -> Bool {
        let rows = try await self.rows(
            """
            UPDATE feeds SET lease_owner = NULL, lease_until = NULL
            WHERE key = \(key) AND lease_owner = \(owner) RETURNING id
            """, "release lease")
        return !rows.isEmpty
    }
}
