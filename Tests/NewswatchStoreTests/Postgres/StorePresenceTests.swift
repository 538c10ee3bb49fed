import Foundation
import NewswatchTestSupport
import Testing

@testable import NewswatchStore

/// The store's presence lock (CONTRACT §9): daemons hold it together, `run --once` alone, on a real PostgreSQL 15.
@Suite struct StorePresenceTests {
    @Test func daemonsShareItAndKeepARunOnceOut() async throws {
        let location = try PostgresLocation(url: try PostgresCluster.makeDatabase())
        let daemonA = StorePresence(location: location, mode: .shared, applicationName: "test daemon")
        let daemonB = StorePresence(location: location, mode: .shared, applicationName: "test daemon")
        let once = StorePresence(location: location, mode: .exclusive, applicationName: "test round")
        #expect(try await daemonA.acquire())
        #expect(try await daemonB.acquire())
        #expect(try await once.acquire() == false)
        #expect(await once.isHeld == false)
        await daemonA.release()
        #expect(try await once.acquire() == false, "one daemon still runs")
        await daemonB.release()
        #expect(try await once.acquire())
        await once.release()
    }

    @Test func aRunOnceKeepsDaemonsAndOtherRoundsOut() async throws {
        let location = try PostgresLocation(url: try PostgresCluster.makeDatabase())
        let once = StorePresence(location: location, mode: .exclusive, applicationName: "test round")
        let other = StorePresence(location: location, mode: .exclusive, applicationName: "test round")
        let daemon = StorePresence(location: location, mode: .shared, applicationName: "test daemon")
        #expect(try await once.acquire())
        #expect(try await once.acquire(), "holding it, asking again sends nothing and stays true")
        #expect(try await daemon.acquire() == false)
        #expect(try await other.acquire() == false)
        await once.release()
        #expect(try await daemon.acquire())
        await daemon.release()
    }

    /// A holder whose session ends (its process killed, its host gone) holds nothing: the server released the lock.
    @Test func anEndedSessionReleasesIt() async throws {
        let location = try PostgresLocation(url: try PostgresCluster.makeDatabase())
        let admin = try await PostgresStore(location: location)
        let daemon = StorePresence(location: location, mode: .shared, applicationName: "test daemon")
        let once = StorePresence(location: location, mode: .exclusive, applicationName: "test round")
        #expect(try await daemon.acquire())
        let pid = try #require(try await daemon.backendPID())
        let rows = try await admin.rows("SELECT pg_terminate_backend(\(pid))", "terminate")
        #expect(try rows.first?.decode(Bool.self) == true)
        #expect(
            try await LeaderLockTests.eventually(within: .seconds(10)) { try await once.acquire() },
            "the killed daemon's share was not released")
        // The daemon notices its connection closed and takes its share again only once the round is over.
        #expect(await LeaderLockTests.eventually(within: .seconds(10)) { await daemon.isHeld == false })
        #expect(try await daemon.acquire() == false)
        await once.release()
        #expect(try await daemon.acquire())
        await daemon.release()
        await admin.close()
    }

    /// A daemon kept out can say who keeps it out: the round's session, by its `application_name`.
    @Test func aDaemonKeptOutNamesTheRound() async throws {
        let location = try PostgresLocation(url: try PostgresCluster.makeDatabase())
        let once = StorePresence(location: location, mode: .exclusive, applicationName: "newswatch run --once desk-1")
        let daemon = StorePresence(location: location, mode: .shared, applicationName: "newswatch daemon desk-2")
        #expect(try await once.acquire())
        #expect(try await daemon.acquire() == false)
        let holders = try await daemon.holders()
        #expect(holders.map(\.name) == ["newswatch run --once desk-1"])
        #expect(abs(try #require(holders.first).since.timeIntervalSinceNow) < 600)
        // The round sees the daemon the same way once it holds its share.
        await once.release()
        #expect(try await daemon.acquire())
        #expect(try await once.acquire() == false)
        #expect(try await once.holders().map(\.name) == ["newswatch daemon desk-2"])
        await daemon.release()
        await once.release()
    }

    /// A release while an attempt is under way wins: the attempt does not take the lock back afterwards.
    @Test func aReleaseDuringAnAttemptLeavesNothingHeld() async throws {
        let location = try PostgresLocation(url: try PostgresCluster.makeDatabase())
        let daemon = StorePresence(location: location, mode: .shared, applicationName: "test daemon")
        let once = StorePresence(location: location, mode: .exclusive, applicationName: "test round")
        for _ in 0..<5 {
            let attempt = Task { try await daemon.acquire() }
            await daemon.release()
            _ = try await attempt.value
            await daemon.release()
            #expect(await daemon.isHeld == false)
            #expect(try await once.acquire(), "the daemon's share outlived its release")
            await once.release()
        }
    }

    /// The claim asks the server itself: a daemon whose own presence session died unnoticed (a failover, a dead
    /// host) still claims nothing while a `run --once` holds the store, and claims again after it.
    @Test func aClaimTakesNothingWhileARoundHoldsTheStore() async throws {
        let location = try PostgresLocation(url: try PostgresCluster.makeDatabase())
        let store = try await PostgresStore(location: location)
        try await store.syncFeeds((1...3).map(StoreTestKit.feed), at: StoreTestKit.at(hours: 0))
        let once = StorePresence(location: location, mode: .exclusive, applicationName: "test round")
        #expect(try await once.acquire())
        let t = StoreTestKit.at(hours: 0)
        #expect(try await store.claimDueFeeds(owner: "d", now: t, lease: 60, limit: 10).isEmpty)
        await once.release()
        #expect(try await store.claimDueFeeds(owner: "d", now: t, lease: 60, limit: 10).count == 3)
        // A claim in flight holds a share only for its transaction: the round can take the store afterwards.
        #expect(try await once.acquire())
        await once.release()
        await store.close()
    }
}
