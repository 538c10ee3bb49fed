import Foundation
import Logging
import NewswatchCore
import NewswatchStore
import NewswatchTestSupport
import Testing

@testable import NewswatchDaemon

/// A daemon claims no feed while a `run --once` holds the store alone (CONTRACT §9: a feed is never polled by two in
/// one interval), does not spin meanwhile, and claims again once the round has ended; on a real PostgreSQL 15.
@Suite struct PresenceGatedLeasesTests {
    @Test func noClaimWhileARunOnceHoldsTheStore() async throws {
        let location = try PostgresLocation(url: try PostgresCluster.makeDatabase())
        let store = try await PostgresStore(location: location)
        let now = Date()
        let feed = FeedDescriptor(key: "https://wire.example/rss", name: "Wire", url: "https://wire.example/rss")
        try await store.syncFeeds([feed], at: now)
        let once = StorePresence(location: location, mode: .exclusive, applicationName: "test round")
        #expect(try await once.acquire())

        let presence = StorePresence(location: location, mode: .shared, applicationName: "test daemon")
        let leases = PresenceGatedLeases(base: store, presence: presence, logger: Logger(label: "test"))
        // Not kept out (yet): the store's own due time, not a retry a second later.
        #expect(try await leases.nextDueTime(at: now) == (try await store.nextDueTime(at: now)))
        #expect(try await leases.claimDueFeeds(owner: "d", now: now, lease: 120, limit: 10, excluding: []).isEmpty)
        // The feed is due now, but the loop is told to come back in a second, not at once.
        #expect(try await leases.nextDueTime(at: now) == now.addingTimeInterval(PresenceGatedLeases.retryInterval))

        await once.release()
        let claimed = try await leases.claimDueFeeds(owner: "d", now: now, lease: 120, limit: 10, excluding: [])
        #expect(claimed.map(\.key) == [feed.key])
        #expect(await presence.isHeld)
        // Holding its share, the daemon keeps the next round out.
        #expect(try await once.acquire() == false)
        await presence.release()
        await store.close()
    }
}
