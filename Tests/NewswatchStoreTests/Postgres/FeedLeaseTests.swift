import Foundation
import NewswatchTestSupport
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// Due feeds claimed with expiring leases (`FOR UPDATE SKIP LOCKED`), on a real PostgreSQL 15.
@Suite struct FeedLeaseTests {
    /// Two stores on one database, as two daemons would have.
    private static func twoStores(feeds: Int) async throws -> (PostgresStore, PostgresStore) {
        let url = try PostgresCluster.makeDatabase()
        let a = try await PostgresStore(location: PostgresLocation(url: url))
        let b = try await PostgresStore(location: PostgresLocation(url: url))
        try await a.syncFeeds((1...feeds).map(Kit.feed), at: Kit.at(hours: 0))
        return (a, b)
    }

    @Test func concurrentClaimersNeverGetTheSameFeed() async throws {
        let (a, b) = try await Self.twoStores(feeds: 200)
        // Many small claims from both at once, until every feed is held.
        let claims = try await withThrowingTaskGroup(of: [FeedLease].self) { group in
            for (store, owner) in [(a, "daemon-a"), (b, "daemon-b")] {
                for _ in 0..<8 {
                    group.addTask {
                        var mine: [FeedLease] = []
                        while true {
                            let got = try await store.claimDueFeeds(
                                owner: owner, now: Kit.at(hours: 0), lease: 120, limit: 3)
                            if got.isEmpty { return mine }
                            mine += got
                        }
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(claims.count == 200)
        #expect(Set(claims.map(\.key)).count == 200)
        #expect(Set(claims.map(\.owner)) == ["daemon-a", "daemon-b"])
        #expect(claims.allSatisfy { $0.until == Kit.at(hours: 0).addingTimeInterval(120) })
        await a.close()
        await b.close()
    }

    @Test func aDeadOwnersLeasePassesToTheOtherAfterExpiry() async throws {
        let (a, b) = try await Self.twoStores(feeds: 3)
        let t = Kit.at(hours: 0)
        let held = try await a.claimDueFeeds(owner: "daemon-a", now: t, lease: 120, limit: 10)
        #expect(held.map(\.key) == (1...3).map { Kit.feed($0).key }.sorted())
        // daemon-a dies holding them: before expiry nobody else gets them, a second claim by a included.
        #expect(
            try await b.claimDueFeeds(owner: "daemon-b", now: t.addingTimeInterval(119), lease: 120, limit: 10)
                .isEmpty)
        #expect(
            try await a.claimDueFeeds(owner: "daemon-a", now: t.addingTimeInterval(60), lease: 120, limit: 10)
                .isEmpty)
        let taken = try await b.claimDueFeeds(owner: "daemon-b", now: t.addingTimeInterval(120), lease: 120, limit: 10)
        #expect(taken.count == 3 && taken.allSatisfy { $0.owner == "daemon-b" })
        #expect(taken.allSatisfy { $0.until == t.addingTimeInterval(240) })
        // The dead owner can no longer release what passed on.
        #expect(try await a.releaseLease(key: Kit.feed(1).key, owner: "daemon-a") == false)
        #expect(try await b.releaseLease(key: Kit.feed(1).key, owner: "daemon-b"))
        #expect(
            try await a.claimDueFeeds(owner: "daemon-a", now: t.addingTimeInterval(121), lease: 120, limit: 10)
                .map(\.key) == [Kit.feed(1).key])
        await a.close()
        await b.close()
    }

    @Test func onlyActiveDueFeedsAreClaimedEarliestFirst() async throws {
        let (a, b) = try await Self.twoStores(feeds: 4)
        let t = Kit.at(hours: 0)
        try await a.setSchedule(key: Kit.feed(1).key, FeedSchedule(nextDue: t.addingTimeInterval(60)))
        try await a.setSchedule(key: Kit.feed(2).key, FeedSchedule(nextDue: t.addingTimeInterval(-60)))
        try await a.setSchedule(key: Kit.feed(3).key, FeedSchedule(nextDue: t.addingTimeInterval(-600)))
        try await a.syncFeeds([1, 2, 3].map(Kit.feed), at: t)  // feed 4 leaves the config
        let first = try await b.claimDueFeeds(owner: "b", now: t, lease: 120, limit: 1)
        #expect(first.map(\.key) == [Kit.feed(3).key])
        let rest = try await b.claimDueFeeds(owner: "b", now: t, lease: 120, limit: 10)
        #expect(rest.map(\.key) == [Kit.feed(2).key])
        #expect(
            try await b.claimDueFeeds(owner: "b", now: t.addingTimeInterval(60), lease: 120, limit: 10)
                .map(\.key) == [Kit.feed(1).key])
        await a.close()
        await b.close()
    }
}
