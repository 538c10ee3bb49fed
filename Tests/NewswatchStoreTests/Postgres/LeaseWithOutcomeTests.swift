import Foundation
import NewswatchTestSupport
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// A claim that reads the feed's state, an outcome's write that gives the lease back, a claim that leaves out the
/// feeds a daemon does not know (issue 15: the all-304 round, review finding 9), on a real PostgreSQL 15 with two
/// stores on one database, as two daemons would have.
@Suite struct LeaseWithOutcomeTests {
    private static func twoStores(feeds: [Int]) async throws -> (PostgresStore, PostgresStore) {
        let url = try PostgresCluster.makeDatabase()
        let a = try await PostgresStore(location: PostgresLocation(url: url))
        let b = try await PostgresStore(location: PostgresLocation(url: url))
        try await a.syncFeeds(feeds.map(Kit.feed), at: Kit.at(hours: 0))
        return (a, b)
    }

    /// `(lease_owner, lease_until)` of a feed.
    private static func lease(_ store: PostgresStore, _ n: Int) async throws -> (String?, Int64?) {
        let rows = try await store.rows(
            "SELECT lease_owner, lease_until FROM feeds WHERE key = \(Kit.feed(n).key)", "read lease")
        return try rows[0].decode((String?, Int64?).self)
    }

    @Test func aClaimCarriesTheFeedsState() async throws {
        let (a, b) = try await Self.twoStores(feeds: [1, 2])
        let t = Kit.at(hours: 0)
        try await b.recordNoChange(
            NoChangeRecord(
                key: Kit.feed(1).key, at: t.addingTimeInterval(-600), reason: .notModified, httpStatus: 304,
                validators: HTTPValidators(etag: "\"v1\"", lastModified: "Tue, 24 Nov 2026 11:00:00 GMT"),
                schedule: FeedSchedule(nextDue: t.addingTimeInterval(-60), ttlFloor: 300)))
        let claimed = try await a.claimDueFeeds(owner: "a", now: t, lease: 120, limit: 10)
        #expect(claimed.count == 2)
        for lease in claimed {
            let stored = try await a.feedState(key: lease.key)
            #expect(lease.state == stored, "\(lease.key)")
        }
        #expect(claimed.first { $0.key == Kit.feed(1).key }?.state?.validators.etag == "\"v1\"")
        await a.close()
        await b.close()
    }

    @Test func aNoChangeRecordGivesBackItsOwnersLeaseAndNoOtherOne() async throws {
        let (a, b) = try await Self.twoStores(feeds: [1, 2, 3])
        let t = Kit.at(hours: 0)
        #expect(try await a.claimDueFeeds(owner: "a", now: t, lease: 120, limit: 10).count == 3)
        func record(_ n: Int, owner: String?) -> NoChangeRecord {
            NoChangeRecord(
                key: Kit.feed(n).key, at: t.addingTimeInterval(5), reason: .notModified, httpStatus: 304,
                schedule: FeedSchedule(nextDue: t.addingTimeInterval(600)), leaseOwner: owner)
        }
        // Another owner's record (its lease had expired and passed on) and a record without owner keep a's lease.
        let other = try await b.recordNoChange(record(1, owner: "b"))
        #expect(other.lastSuccess == t.addingTimeInterval(5))
        #expect(try await Self.lease(a, 1) == ("a", t.addingTimeInterval(120).storeSeconds))
        try await a.recordNoChange(record(2, owner: nil))
        #expect(try await Self.lease(a, 2) == ("a", t.addingTimeInterval(120).storeSeconds))
        // The owner's own record gives it back with the outcome, nothing else to call.
        let after = try await a.recordNoChange(record(3, owner: "a"))
        #expect(try await Self.lease(a, 3) == (nil, nil))
        #expect(after.schedule.nextDue == t.addingTimeInterval(600) && after.httpStatus == 304)
        // A feed without a row yet still gets one.
        let fresh = try await a.recordNoChange(
            NoChangeRecord(key: Kit.feed(9).key, at: t, reason: .notModified, httpStatus: 304, leaseOwner: "a"))
        #expect(fresh.key == Kit.feed(9).key && fresh.lastSuccess == t)
        await a.close()
        await b.close()
    }

    /// The no-change record commits without waiting for the WAL flush; the setting ends with its transaction and
    /// never reaches the next statement on the connection (an ingest's commit must wait for it).
    @Test func theNoChangeRecordsAsynchronousCommitStaysInItsTransaction() async throws {
        // The test cluster runs with `synchronous_commit=off`; this database's sessions start with it on.
        let url = try PostgresCluster.makeDatabase()
        let setup = try await PostgresStore(location: PostgresLocation(url: url))
        _ = try await setup.rows(
            """
            DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET synchronous_commit = on', current_database()); END $$
            """, "setup")
        await setup.close()
        let store = try await PostgresStore(location: PostgresLocation(url: url))
        try await store.syncFeeds([Kit.feed(1)], at: Kit.at(hours: 0))
        #expect(try await store.rows("SHOW synchronous_commit", "show")[0].decode(String.self) == "on")
        for _ in 0..<3 {
            try await store.recordNoChange(
                NoChangeRecord(key: Kit.feed(1).key, at: Kit.at(hours: 0), reason: .notModified, httpStatus: 304))
            let setting = try await store.rows("SHOW synchronous_commit", "show")
            #expect(try setting[0].decode(String.self) == "on")
        }
        await store.close()
    }

    @Test func anIngestGivesBackItsOwnersLease() async throws {
        let (a, b) = try await Self.twoStores(feeds: [1, 2])
        let t = Kit.at(hours: 0)
        #expect(try await a.claimDueFeeds(owner: "a", now: t, lease: 120, limit: 10).count == 2)
        var mine = Kit.batch(feed: Kit.feed(1), at: t, items: [Kit.item("g1", "Rafah crossing reopens")])
        mine.leaseOwner = "a"
        mine.schedule = FeedSchedule(nextDue: t.addingTimeInterval(600))
        _ = try await a.ingest(mine)
        #expect(try await Self.lease(a, 1) == (nil, nil))
        var theirs = Kit.batch(feed: Kit.feed(2), at: t, items: [Kit.item("g2", "Markets calm")])
        theirs.leaseOwner = "b"
        _ = try await b.ingest(theirs)
        #expect(try await Self.lease(a, 2) == ("a", t.addingTimeInterval(120).storeSeconds))
        await a.close()
        await b.close()
    }

    /// Review finding 9: daemon a's config lacks feed 3, daemon b's has it (a rolling reload). a never claims it, even
    /// when it is the first due feed; b gets it at once instead of after a's lease.
    @Test func aClaimLeavesOutTheFeedsTheClaimerDoesNotKnow() async throws {
        let (a, b) = try await Self.twoStores(feeds: [1, 2])
        let t = Kit.at(hours: 0)
        try await b.syncFeeds([1, 2, 3].map(Kit.feed), at: t)
        try await a.setSchedule(key: Kit.feed(1).key, FeedSchedule(nextDue: t.addingTimeInterval(-60)))
        try await a.setSchedule(key: Kit.feed(2).key, FeedSchedule(nextDue: t.addingTimeInterval(-60)))
        let first = try await a.claimDueFeeds(owner: "a", now: t, lease: 120, limit: 1, excluding: [Kit.feed(3).key])
        #expect(first.map(\.key) == [Kit.feed(1).key])
        let rest = try await a.claimDueFeeds(owner: "a", now: t, lease: 120, limit: 10, excluding: [Kit.feed(3).key])
        #expect(rest.map(\.key) == [Kit.feed(2).key])
        let theirs = try await b.claimDueFeeds(owner: "b", now: t, lease: 120, limit: 10)
        #expect(theirs.map(\.key) == [Kit.feed(3).key])
        await a.close()
        await b.close()
    }
}
