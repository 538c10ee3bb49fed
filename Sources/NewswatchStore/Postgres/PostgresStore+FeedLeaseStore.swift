import Foundation

// `FeedLeaseStore` as the daemon loop calls it: the per-host limit of CONTRACT §9 (2 per host across all daemons).
extension PostgresStore {
    public func claimDueFeeds(
        owner: String, now: Date, lease: TimeInterval, limit: Int, excluding: [String]
    ) async throws -> [FeedLease] {
        try await claimDueFeeds(owner: owner, now: now, lease: lease, limit: limit, perHost: 2, excluding: excluding)
    }

    public func nextDueTime(at now: Date) async throws -> Date? {
        try await nextDueTime(at: now, perHost: 2)
    }
}
