import Foundation
import NewswatchCore
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

@Suite struct FeedStateTests {
    @Test(arguments: StoreBackend.allCases)
    func syncFeedsAddsRenamesAndDeactivates(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let local = FeedDescriptor(key: "path:/srv/feeds/local.xml", name: "Local", url: nil)
            try await store.syncFeeds([Kit.feed(1), Kit.feed(2), local], at: Kit.at(hours: 0))
            #expect(try await store.feedStates(includeInactive: false).map(\.key).sorted()
                == [Kit.feed(1).key, Kit.feed(2).key, local.key].sorted())
            let renamed = FeedDescriptor(key: Kit.feed(1).key, name: "Renamed", url: Kit.feed(1).url)
            try await store.syncFeeds([renamed, local], at: Kit.at(hours: 1))
            let active = try await store.feedStates(includeInactive: false)
            #expect(active.map(\.key).sorted() == [Kit.feed(1).key, local.key].sorted())
            #expect(active.first { $0.key == Kit.feed(1).key }?.name == "Renamed")
            let all = try await store.feedStates(includeInactive: true)
            #expect(all.count == 3 && all.first { $0.key == Kit.feed(2).key }?.active == false)
            // Re-adding brings it back with its history.
            try await store.syncFeeds([Kit.feed(2)], at: Kit.at(hours: 2))
            #expect(try await store.feedState(key: Kit.feed(2).key)?.active == true)
            #expect(try await store.feedState(key: "https://unknown.example/") == nil)
        }
    }

    @Test func failuresCountUpAndSuccessResets() throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        let store = try kit.open()
        let key = Kit.feed(1).key
        _ = try store.ingest(Kit.batch(at: Kit.at(hours: 0), items: [], etag: "e1", bodyHash: "b1"))
        let f1 = try store.recordFailure(
            FeedFailure(key: key, at: Kit.at(hours: 1), kind: "http", message: "HTTP 503", httpStatus: 503,
                retryAfter: Kit.at(hours: 2)))
        #expect(f1.consecutiveFailures == 1 && f1.httpStatus == 503 && f1.error == "HTTP 503" && f1.errorKind == "http")
        #expect(f1.schedule.retryAfter == Kit.at(hours: 2))
        #expect(f1.lastSuccess == Kit.at(hours: 0) && f1.lastFetch == Kit.at(hours: 1))
        let f2 = try store.recordFailure(
            FeedFailure(key: key, at: Kit.at(hours: 2), kind: "network", message: "connect refused"))
        #expect(f2.consecutiveFailures == 2)
        // Our own network down: recorded, not charged.
        let f3 = try store.recordFailure(
            FeedFailure(key: key, at: Kit.at(hours: 3), kind: "network", message: "no route", charged: false))
        #expect(f3.consecutiveFailures == 2 && f3.error == "no route")

        try store.recordNoChange(NoChangeRecord(key: key, at: Kit.at(hours: 4), reason: .notModified, httpStatus: 304))
        let ok = try #require(try store.feedState(key: key))
        #expect(ok.consecutiveFailures == 0 && ok.error == nil && ok.errorKind == nil && ok.httpStatus == 304)
        #expect(ok.lastSuccess == Kit.at(hours: 4) && ok.validators.etag == "e1" && ok.bodyHash == "b1")
        // An unchanged body with new validators keeps the body hash and takes the validators.
        try store.recordNoChange(NoChangeRecord(key: key, at: Kit.at(hours: 5), reason: .bodyUnchanged, httpStatus: 200,
            validators: HTTPValidators(etag: "e2", lastModified: "Tue, 24 Nov 2026 12:00:00 GMT")))
        let ok2 = try #require(try store.feedState(key: key))
        #expect(ok2.validators == HTTPValidators(etag: "e2", lastModified: "Tue, 24 Nov 2026 12:00:00 GMT"))
        #expect(ok2.bodyHash == "b1" && ok2.firstSuccess == Kit.at(hours: 0))

        let failures = try store.fetchFailures(from: Kit.at(hours: 0), to: Kit.at(hours: 2.5))
        #expect(failures.map(\.message) == ["HTTP 503", "connect refused"])
        #expect(failures.first?.feedName == "Feed 1" && failures.first?.httpStatus == 503)
        #expect(try store.totals(alertsSince: Kit.at(hours: 0)).failing == 0)
    }

    @Test func aSuccessStoresItsScheduleInTheSameWriteAndReturnsTheState() throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        let store = try kit.open()
        let key = Kit.feed(1).key
        let first = FeedSchedule(nextDue: Kit.at(hours: 0.5), retryAfter: nil, ttlFloor: 3600, maxAgeFloor: nil)
        var batch = Kit.batch(at: Kit.at(hours: 0), items: [Kit.item("1", "x")], etag: "e1", bodyHash: "b1")
        batch.schedule = first
        let ingested = try store.ingest(batch)
        #expect(ingested.feedState?.schedule == first && ingested.feedState?.validators.etag == "e1")
        #expect(try store.feedState(key: key)?.schedule == first)

        let second = FeedSchedule(nextDue: Kit.at(hours: 1.5), retryAfter: nil, ttlFloor: nil, maxAgeFloor: 600)
        let after = try store.recordNoChange(
            NoChangeRecord(key: key, at: Kit.at(hours: 1), reason: .notModified, httpStatus: 304, schedule: second))
        #expect(after.schedule == second && after.httpStatus == 304 && after.lastSuccess == Kit.at(hours: 1))
        #expect(try store.feedState(key: key) == after)
        // Without a schedule the stored one stays.
        let third = try store.recordNoChange(
            NoChangeRecord(key: key, at: Kit.at(hours: 2), reason: .notModified, httpStatus: 304))
        #expect(third.schedule == second && third.lastFetch == Kit.at(hours: 2))
        // A feed the store has never heard of gets a row.
        let unknown = try store.recordNoChange(
            NoChangeRecord(key: "https://new.example/rss", at: Kit.at(hours: 2), reason: .notModified, httpStatus: 304,
                schedule: second))
        #expect(unknown.key == "https://new.example/rss" && unknown.schedule == second)
    }

    @Test(arguments: StoreBackend.allCases)
    func scheduleRoundTrips(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.syncFeeds([Kit.feed(1)], at: Kit.at(hours: 0))
            let schedule = FeedSchedule(
                nextDue: Kit.at(hours: 0.25), retryAfter: nil, ttlFloor: 1800, maxAgeFloor: 300)
            try await store.setSchedule(key: Kit.feed(1).key, schedule)
            #expect(try await store.feedState(key: Kit.feed(1).key)?.schedule == schedule)
            #expect(try await store.feedState(key: Kit.feed(1).key)?.firstSuccess == nil)
        }
    }

    @Test func firstSuccessIsTheFirstIngestNotA304() throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        let store = try kit.open()
        try store.recordFailure(FeedFailure(key: Kit.feed(1).key, at: Kit.at(hours: -2), kind: "network", message: "x"))
        let r = try store.ingest(Kit.batch(at: Kit.at(hours: 0), items: [
            Kit.item("old", "Gaza old", published: Kit.at(hours: -10))]))
        #expect(r.firstFetch && r.alerts.isEmpty)
    }

    @Test func countsAndTotals() throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        let store = try kit.open()
        _ = try store.ingest(Kit.batch(feed: Kit.feed(1), at: Kit.at(hours: 0), items: [
            Kit.item("1", "a one two"), Kit.item("2", "b three four")]))
        _ = try store.ingest(Kit.batch(feed: Kit.feed(2), at: Kit.at(hours: 0), items: [Kit.item("1", "c five six")]))
        try store.recordFailure(FeedFailure(key: Kit.feed(2).key, at: Kit.at(hours: 1), kind: "http", message: "404"))
        #expect(try store.itemCounts() == [Kit.feed(1).key: 2, Kit.feed(2).key: 1])
        #expect(try store.totals(alertsSince: Kit.at(hours: 0)) == StoreTotals(feeds: 2, failing: 1, items: 3, alertsSince: 0))
    }
}
