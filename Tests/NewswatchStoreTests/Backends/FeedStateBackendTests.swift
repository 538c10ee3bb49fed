import Foundation
import NewswatchCore
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// The poll path's feed-state writes without an ingest, against both backends (FeedStateTests covers them with one).
@Suite struct FeedStateBackendTests {
    @Test(arguments: StoreBackend.allCases)
    func failuresCountUpAndA304Resets(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let key = Kit.feed(1).key
            try await store.syncFeeds([Kit.feed(1)], at: Kit.at(hours: 0))
            try await store.recordNoChange(
                NoChangeRecord(
                    key: key, at: Kit.at(hours: 0), reason: .notModified, httpStatus: 304,
                    validators: HTTPValidators(etag: "e1")))
            let f1 = try await store.recordFailure(
                FeedFailure(
                    key: key, at: Kit.at(hours: 1), kind: "http", message: "HTTP 503", httpStatus: 503,
                    retryAfter: Kit.at(hours: 2)))
            #expect(f1.consecutiveFailures == 1 && f1.httpStatus == 503 && f1.error == "HTTP 503")
            #expect(f1.errorKind == "http" && f1.schedule.retryAfter == Kit.at(hours: 2))
            #expect(f1.lastSuccess == Kit.at(hours: 0) && f1.lastFetch == Kit.at(hours: 1))
            let f2 = try await store.recordFailure(
                FeedFailure(key: key, at: Kit.at(hours: 2), kind: "network", message: "connect refused"))
            #expect(f2.consecutiveFailures == 2 && f2.httpStatus == nil && f2.schedule.retryAfter == Kit.at(hours: 2))
            let f3 = try await store.recordFailure(
                FeedFailure(key: key, at: Kit.at(hours: 3), kind: "network", message: "no route", charged: false))
            #expect(f3.consecutiveFailures == 2 && f3.error == "no route")
            #expect(try await store.feedState(key: key) == f3)

            let ok = try await store.recordNoChange(
                NoChangeRecord(key: key, at: Kit.at(hours: 4), reason: .notModified, httpStatus: 304))
            #expect(ok.consecutiveFailures == 0 && ok.error == nil && ok.errorKind == nil && ok.httpStatus == 304)
            #expect(ok.lastSuccess == Kit.at(hours: 4) && ok.validators == HTTPValidators(etag: "e1"))
            #expect(ok.firstSuccess == nil && ok.name == "Feed 1" && ok.active)
            let ok2 = try await store.recordNoChange(
                NoChangeRecord(
                    key: key, at: Kit.at(hours: 5), reason: .bodyUnchanged, httpStatus: 200,
                    validators: HTTPValidators(etag: "e2", lastModified: "Tue, 24 Nov 2026 12:00:00 GMT")))
            #expect(ok2.validators == HTTPValidators(etag: "e2", lastModified: "Tue, 24 Nov 2026 12:00:00 GMT"))
            #expect(try await store.feedState(key: key) == ok2)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aNoChangeStoresItsScheduleAndAnUnknownFeedGetsARow(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let key = "https://new.example/rss"
            let first = FeedSchedule(
                nextDue: Kit.at(hours: 1.5), retryAfter: Kit.at(hours: 1), ttlFloor: 60,
                maxAgeFloor: 600.5)
            let unknown = try await store.recordNoChange(
                NoChangeRecord(key: key, at: Kit.at(hours: 1), reason: .notModified, httpStatus: 304, schedule: first))
            #expect(unknown.key == key && unknown.name == key && unknown.url == key && unknown.schedule == first)
            // Without a schedule the stored one stays.
            let kept = try await store.recordNoChange(
                NoChangeRecord(key: key, at: Kit.at(hours: 2), reason: .notModified, httpStatus: 304))
            #expect(kept.schedule == first && kept.lastFetch == Kit.at(hours: 2))
            // A `path:` feed never synced gets a row without a URL; a failure on it too.
            let local = try await store.recordFailure(
                FeedFailure(key: "path:/srv/x.xml", at: Kit.at(hours: 2), kind: "parse", message: "bad"))
            #expect(local.url == nil && local.consecutiveFailures == 1)
            try await store.setSchedule(key: "path:/srv/y.xml", FeedSchedule(nextDue: Kit.at(hours: 3)))
            #expect(
                try await store.feedState(key: "path:/srv/y.xml")?.schedule == FeedSchedule(nextDue: Kit.at(hours: 3)))
            // Whole seconds, as everywhere in the store; a due time rounds up, so a feed is never due early (a daemon
            // sharing the store would otherwise claim a feed polled at 20.9 s with a 1 s interval again at 21 s).
            try await store.setSchedule(key: key, FeedSchedule(nextDue: Kit.at(hours: 4).addingTimeInterval(0.75)))
            #expect(try await store.feedState(key: key)?.schedule.nextDue == Kit.at(hours: 4).addingTimeInterval(1))
            try await store.setSchedule(key: key, FeedSchedule(nextDue: Kit.at(hours: 5)))
            #expect(try await store.feedState(key: key)?.schedule.nextDue == Kit.at(hours: 5))
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func feedStatesAreOrderedByKeyBytes(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let keys = [
                "https://b.example/", "https://B.example/", "https://a.example/", "path:/z", "https://é.example/",
            ]
            try await store.syncFeeds(keys.map { FeedDescriptor(key: $0, name: $0, url: $0) }, at: Kit.at(hours: 0))
            let expected = keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            #expect(try await store.feedStates(includeInactive: false).map(\.key) == expected)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func failuresAreRecordedAsEventsAndCountedInTotals(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.syncFeeds([Kit.feed(1), Kit.feed(2), Kit.feed(3)], at: Kit.at(hours: 0))
            try await store.recordFailure(
                FeedFailure(
                    key: Kit.feed(1).key, at: Kit.at(hours: 1), kind: "http", message: "HTTP 503",
                    httpStatus: 503))
            try await store.recordFailure(
                FeedFailure(key: Kit.feed(2).key, at: Kit.at(hours: 1), kind: "network", message: "refused"))
            try await store.recordFailure(
                FeedFailure(key: Kit.feed(1).key, at: Kit.at(hours: 3), kind: "network", message: "late"))
            let failures = try await store.fetchFailures(from: Kit.at(hours: 0), to: Kit.at(hours: 3))
            #expect(
                failures == [
                    FetchEventRecord(
                        feedKey: Kit.feed(1).key, feedName: "Feed 1", feedURL: Kit.feed(1).url,
                        at: Kit.at(hours: 1), kind: "http", message: "HTTP 503", httpStatus: 503),
                    FetchEventRecord(
                        feedKey: Kit.feed(2).key, feedName: "Feed 2", feedURL: Kit.feed(2).url,
                        at: Kit.at(hours: 1), kind: "network", message: "refused", httpStatus: nil),
                ])
            #expect(
                try await store.totals(alertsSince: Kit.at(hours: 0))
                    == StoreTotals(feeds: 3, failing: 2, items: 0, alertsSince: 0))
            // A success clears the failing state; an inactive feed is not counted.
            try await store.recordNoChange(
                NoChangeRecord(key: Kit.feed(2).key, at: Kit.at(hours: 4), reason: .notModified, httpStatus: 304))
            try await store.syncFeeds([Kit.feed(2), Kit.feed(3)], at: Kit.at(hours: 4))
            #expect(
                try await store.totals(alertsSince: Kit.at(hours: 0))
                    == StoreTotals(feeds: 2, failing: 0, items: 0, alertsSince: 0))
            #expect(try await store.itemCounts() == [Kit.feed(1).key: 0, Kit.feed(2).key: 0, Kit.feed(3).key: 0])
        }
    }
}
