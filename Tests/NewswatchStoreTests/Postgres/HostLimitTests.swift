import Foundation
import NewswatchSystem
import NewswatchTestSupport
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// The per-host limit across daemons (CONTRACT §9: 2 connections per host, all daemons together) in
/// `claimDueFeeds`, and `nextDueTime`, on a real PostgreSQL 15.
@Suite struct HostLimitTests {
    /// `count` feeds on each of `hosts` hosts (host names in mixed case: one host all the same), plus two local files.
    static func feeds(hosts: Int, count: Int) -> [FeedDescriptor] {
        var feeds: [FeedDescriptor] = []
        for h in 0..<hosts {
            for i in 0..<count {
                let host = i.isMultiple(of: 2) ? "host\(h).example" : "HOST\(h).Example"
                feeds.append(FeedDescriptor(key: "https://\(host)/\(i).xml", name: "h\(h) \(i)", url: nil))
            }
        }
        feeds.append(FeedDescriptor(key: "file:///srv/a.xml", name: "local a", url: nil))
        feeds.append(FeedDescriptor(key: "file:///srv/b.xml", name: "local b", url: nil))
        return feeds
    }

    static func stores(_ n: Int, url: String) async throws -> [PostgresStore] {
        var stores: [PostgresStore] = []
        for _ in 0..<n { stores.append(try await PostgresStore(location: PostgresLocation(url: url))) }
        return stores
    }

    /// Unexpired leases per host at `t`, read in one snapshot.
    static func leasesPerHost(_ store: PostgresStore, at t: Date) async throws -> [String: Int] {
        let rows = try await store.rows(
            "SELECT host, count(*) FROM feeds WHERE host IS NOT NULL AND lease_until > \(t.storeSeconds) GROUP BY host",
            "count leases")
        var counts: [String: Int] = [:]
        for row in rows {
            let (host, n) = try row.decode((String, Int).self)
            counts[host] = n
        }
        return counts
    }

    @Test func sixteenConcurrentClaimersNeverExceedTwoLeasesPerHost() async throws {
        let url = try PostgresCluster.makeDatabase()
        let stores = try await Self.stores(4, url: url)
        let t = Kit.at(hours: 0)
        try await stores[0].syncFeeds(Self.feeds(hosts: 3, count: 8), at: t)
        let monitor = try await PostgresStore(location: PostgresLocation(url: url))
        let stop = Locked(false)
        // A monitor samples the lease counts while 16 claimers (4 stores × 4) claim, hold a moment and release.
        let sampler = Task { () throws -> (worst: Int, samples: Int) in
            var worst = 0
            var samples = 0
            while !stop.withLock({ $0 }) {
                worst = max(worst, try await Self.leasesPerHost(monitor, at: t).values.max() ?? 0)
                samples += 1
            }
            return (worst, samples)
        }
        let claimed = try await withThrowingTaskGroup(of: [FeedLease].self) { group in
            for (s, store) in stores.enumerated() {
                for c in 0..<4 {
                    group.addTask {
                        var all: [FeedLease] = []
                        for _ in 0..<15 {
                            let got = try await store.claimDueFeeds(owner: "d\(s)-\(c)", now: t, lease: 120, limit: 3)
                            all += got
                            await Task.yield()
                            for lease in got { try await store.releaseLease(key: lease.key, owner: lease.owner) }
                        }
                        return all
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        stop.withLock { $0 = true }
        let sampled = try await sampler.value
        #expect(sampled.worst <= 2 && sampled.samples > 0)
        // Work got done on every host.
        let hosts = Set(claimed.compactMap { PostgresStore.host(ofKey: $0.key) })
        #expect(hosts == ["host0.example", "host1.example", "host2.example"])
        // With nothing released, each host ends with exactly 2 leases whoever claims; local files have no limit.
        let final = try await withThrowingTaskGroup(of: [FeedLease].self) { group in
            for (s, store) in stores.enumerated() {
                group.addTask { try await store.claimDueFeeds(owner: "final\(s)", now: t, lease: 120, limit: 5) }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(final.count == 3 * 2 + 2)
        #expect(final.filter { $0.key.hasPrefix("file:") }.count == 2)
        #expect(
            try await Self.leasesPerHost(monitor, at: t) == [
                "host0.example": 2, "host1.example": 2, "host2.example": 2,
            ])
        for store in stores + [monitor] { await store.close() }
    }

    @Test func expiryFreesAHostSlot() async throws {
        let url = try PostgresCluster.makeDatabase()
        let stores = try await Self.stores(2, url: url)
        let (a, b) = (stores[0], stores[1])
        let t = Kit.at(hours: 0)
        try await a.syncFeeds(Array(Self.feeds(hosts: 1, count: 5).prefix(5)), at: t)
        let first = try await a.claimDueFeeds(owner: "a", now: t, lease: 120, limit: 10)
        #expect(first.count == 2)
        // The host is full for everyone until a lease ends.
        #expect(try await b.claimDueFeeds(owner: "b", now: t.addingTimeInterval(119), lease: 120, limit: 10).isEmpty)
        #expect(try await a.claimDueFeeds(owner: "a", now: t.addingTimeInterval(60), lease: 120, limit: 10).isEmpty)
        // A release frees one slot at once; expiry frees the rest.
        try await a.releaseLease(key: first[0].key, owner: "a")
        #expect(try await b.claimDueFeeds(owner: "b", now: t.addingTimeInterval(60), lease: 120, limit: 10).count == 1)
        let after = try await b.claimDueFeeds(owner: "b", now: t.addingTimeInterval(120), lease: 120, limit: 10)
        #expect(after.count == 1)
        #expect(try await Self.leasesPerHost(a, at: t.addingTimeInterval(120)) == ["host0.example": 2])
        // A smaller limit is honoured too.
        let c = try await b.claimDueFeeds(owner: "c", now: t.addingTimeInterval(600), lease: 60, limit: 10, perHost: 1)
        #expect(c.count == 1)
        await a.close()
        await b.close()
    }

    @Test func fullHostsDoNotCrowdOutAClaim() async throws {
        let store = try await PostgresStore(location: PostgresLocation(url: try PostgresCluster.makeDatabase()))
        let t = Kit.at(hours: 0)
        // Hosts 0–2 have many feeds due early; host 3's one feed falls due last.
        let feeds = Self.feeds(hosts: 4, count: 6).filter { !$0.key.hasPrefix("file:") }
        try await store.syncFeeds(feeds, at: t)
        for (i, feed) in feeds.enumerated() {
            try await store.setSchedule(key: feed.key, FeedSchedule(nextDue: t.addingTimeInterval(Double(i - 100))))
        }
        #expect(try await store.claimDueFeeds(owner: "a", now: t, lease: 120, limit: 6).count == 6)
        #expect(
            try await Self.leasesPerHost(store, at: t) == ["host0.example": 2, "host1.example": 2, "host2.example": 2])
        // Hosts 0–2 are full: a small claim still gets host 3's feeds, not nothing.
        let next = try await store.claimDueFeeds(owner: "b", now: t, lease: 120, limit: 2)
        #expect(next.map { PostgresStore.host(ofKey: $0.key) } == ["host3.example", "host3.example"])
        await store.close()
    }

    @Test func theHostComesFromTheURLLowerCased() async throws {
        let store = try await PostgresStore(location: PostgresLocation(url: try PostgresCluster.makeDatabase()))
        let t = Kit.at(hours: 0)
        try await store.syncFeeds(
            [
                FeedDescriptor(key: "https://News.Example:8443/a.xml", name: "a", url: nil),
                FeedDescriptor(key: "file:///srv/x.xml", name: "x", url: nil),
            ], at: t)
        // A feed the store first hears of from a fetch gets its host too.
        try await store.setSchedule(key: "http://Other.EXAMPLE/feed", FeedSchedule(nextDue: t))
        let rows = try await store.rows("SELECT key, host FROM feeds ORDER BY key COLLATE \"C\"", "read hosts")
        let hosts = try rows.map { try $0.decode((String, String?).self) }
        #expect(hosts.map { $0.1 } == [nil, "other.example", "news.example"])
        #expect(PostgresStore.host(ofKey: "path:/srv/y.xml") == nil)
        await store.close()
    }

    @Test func nextDueTimeFollowsDueTimesLeasesAndFullHosts() async throws {
        let store = try await PostgresStore(location: PostgresLocation(url: try PostgresCluster.makeDatabase()))
        let t = Kit.at(hours: 0)
        #expect(try await store.nextDueTime(at: t) == nil)
        let feeds = Self.feeds(hosts: 2, count: 3).filter { !$0.key.hasPrefix("file:") }
        try await store.syncFeeds(feeds, at: t)
        #expect(try await store.nextDueTime(at: t) == t)  // never scheduled: due now
        for (i, feed) in feeds.enumerated() {
            try await store.setSchedule(
                key: feed.key, FeedSchedule(nextDue: t.addingTimeInterval(Double(600 + i * 60))))
        }
        #expect(try await store.nextDueTime(at: t) == t.addingTimeInterval(600))
        // Host 0's first two feeds are claimed at +700 until +1000: its third (due +720) waits for a lease to end;
        // host 1's first feed is due at +780, then (rescheduled) host 0's lease end comes first.
        let held = try await store.claimDueFeeds(owner: "a", now: t.addingTimeInterval(700), lease: 300, limit: 10)
        #expect(held.count == 2)
        #expect(try await store.nextDueTime(at: t.addingTimeInterval(700)) == t.addingTimeInterval(780))
        try await store.setSchedule(key: feeds[3].key, FeedSchedule(nextDue: t.addingTimeInterval(5000)))
        try await store.setSchedule(key: feeds[4].key, FeedSchedule(nextDue: t.addingTimeInterval(5000)))
        try await store.setSchedule(key: feeds[5].key, FeedSchedule(nextDue: t.addingTimeInterval(5000)))
        #expect(try await store.nextDueTime(at: t.addingTimeInterval(700)) == t.addingTimeInterval(1000))
        // Past due: now.
        #expect(try await store.nextDueTime(at: t.addingTimeInterval(6000)) == t.addingTimeInterval(6000))
        await store.close()
    }
}
