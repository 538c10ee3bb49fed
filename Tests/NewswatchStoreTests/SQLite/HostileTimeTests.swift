import Foundation
import NewswatchCore
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// Issue 19 item 1: a time far outside any calendar (a server's `Retry-After` of 10^22 seconds added to now) trapped
/// when it was converted to the store's whole seconds. Every stored time is now clamped, never trapping.
@Suite struct HostileTimeTests {
    static let absurd = Date(timeIntervalSince1970: 1e22)
    /// 9999-12-31T23:59:59Z, the latest stored instant.
    static let latest = Date(timeIntervalSince1970: 253_402_300_799)

    @Test(arguments: StoreBackend.allCases)
    func absurdRetryAfterInAFailureIsStoredClamped(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in
            let state = try await store.recordFailure(
                FeedFailure(
                    key: Kit.feed(1).key, at: Kit.at(hours: 0), kind: "httpStatus", message: "HTTP status 503",
                    httpStatus: 503, retryAfter: Self.absurd))
            #expect(state.schedule.retryAfter == Self.latest)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func absurdScheduleIsStoredClampedByEveryWriter(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in
            let key = Kit.feed(1).key
            let schedule = FeedSchedule(nextDue: Self.absurd, retryAfter: Date(timeIntervalSince1970: -1e22))
            try await store.setSchedule(key: key, schedule)
            #expect(try await store.feedState(key: key)?.schedule.nextDue == Self.latest)
            #expect(
                try await store.feedState(key: key)?.schedule.retryAfter == Date(timeIntervalSince1970: -62_135_596_800)
            )

            var batch = Kit.batch(at: Kit.at(hours: 0), items: [])
            batch.schedule = FeedSchedule(nextDue: Date(timeIntervalSince1970: .infinity))
            #expect(try await store.ingest(batch).feedState?.schedule.nextDue == Self.latest)

            let record = NoChangeRecord(
                key: key, at: Kit.at(hours: 1), reason: .notModified, httpStatus: 304, validators: nil,
                schedule: FeedSchedule(nextDue: Self.absurd, retryAfter: Date(timeIntervalSince1970: .nan)))
            let after = try await store.recordNoChange(record)
            #expect(after.schedule.nextDue == Self.latest)
            #expect(after.schedule.retryAfter == Date(timeIntervalSince1970: 0))
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func absurdItemDatesAndRetentionDoNotTrap(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in
            let far = Kit.item(
                "far", "A date from far beyond", link: "https://feed1.example/far", published: Self.absurd)
            let outcome = try await store.ingest(Kit.batch(at: Kit.at(hours: 0), items: [far]))
            #expect(outcome.newItems == 1)
            // Retention is SQLite's alone so far.
            guard let store = store as? SQLiteStore else { return }
            _ = try store.prune(now: Kit.at(hours: 1), retention: 1e30, batchSize: 100)
            _ = try store.prune(now: Self.absurd, retention: .infinity, batchSize: 100)
        }
    }
}
