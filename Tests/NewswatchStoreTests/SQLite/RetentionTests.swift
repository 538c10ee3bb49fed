import Foundation
import NewswatchCore
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

@Suite struct RetentionTests {
    static let day: TimeInterval = 86400
    static let retention: TimeInterval = 30 * day

    @Test(arguments: StoreBackend.allCases)
    func itemsGoOnlyRetentionAfterLeavingTheirFeed(backend: StoreBackend) async throws {
        try await backend.withOutboxStore { store in
            let a = Kit.item("a", "Gaza item A", link: "https://feed1.example/a")
            let b = Kit.item("b", "Gaza item B", link: "https://feed1.example/b")
            _ = try await store.ingest(Kit.batch(at: Kit.at(hours: 0), items: [a, b]))
            // A leaves the feed on day 1; B stays in it.
            _ = try await store.ingest(Kit.batch(at: Kit.at(hours: 24), items: [b]))
            // Day 29: A left 29 days ago — kept.
            #expect(
                try await store.prune(now: Kit.at(hours: 24 * 29.5), retention: Self.retention, batchSize: 1).items == 0
            )
            // A reappearing now is still recognised.
            #expect(try await store.ingest(Kit.batch(at: Kit.at(hours: 24 * 29.5), items: [a, b])).newItems == 0)
            // It leaves again; 31 days later it is pruned, B (still in the feed) is not.
            _ = try await store.ingest(Kit.batch(at: Kit.at(hours: 24 * 30), items: [b]))
            let outcome = try await store.prune(now: Kit.at(hours: 24 * 61), retention: Self.retention, batchSize: 1)
            #expect(outcome.items == 1 && outcome.stories == 1)
            #expect(try await store.itemCounts()[Kit.feed(1).key] == 1)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aFeedThatFailsOrAnswers304ForMonthsKeepsItsItems(backend: StoreBackend) async throws {
        try await backend.withOutboxStore { store in
            let items = (0..<5).map { Kit.item("\($0)", "Gaza item \($0)", link: "https://feed1.example/\($0)") }
            _ = try await store.ingest(Kit.batch(at: Kit.at(hours: 0), items: items))
            for day in 1...90 {
                let t = Kit.at(hours: Double(24 * day))
                if day % 2 == 0 {
                    try await store.recordNoChange(
                        NoChangeRecord(key: Kit.feed(1).key, at: t, reason: .notModified, httpStatus: 304))
                } else {
                    try await store.recordFailure(
                        FeedFailure(key: Kit.feed(1).key, at: t, kind: "network", message: "down"))
                }
            }
            #expect(
                try await store.prune(now: Kit.at(hours: 24 * 91), retention: Self.retention, batchSize: 2).items == 0)
            // When the feed changes at last, the old items are still known: nothing new, nothing alerts.
            let r = try await store.ingest(Kit.batch(at: Kit.at(hours: 24 * 92), items: items))
            #expect(r.newItems == 0 && r.alerts.isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func pruningKeepsStoryAlertsSoAnotherSourceDoesNotRealert(backend: StoreBackend) async throws {
        try await backend.withOutboxStore { store in
            for n in 1...2 {
                _ = try await store.ingest(Kit.batch(feed: Kit.feed(n), at: Kit.at(hours: -1), items: []))
            }
            let a = Kit.item(
                "a", "Gaza envoy meets Hamas leaders in Doha", link: "https://wire.example/envoy",
                published: Kit.at(hours: 0))
            let r = try await store.ingest(Kit.batch(feed: Kit.feed(1), at: Kit.at(hours: 0), items: [a]))
            #expect(r.alerts.count == 1)
            try await store.markDelivered(alertIDs: r.alerts.map(\.id), sink: "file", at: Kit.at(hours: 0))
            try await store.markDelivered(alertIDs: r.alerts.map(\.id), sink: "webhook", at: Kit.at(hours: 0))
            // Feed 2 keeps carrying the same link for two months; feed 1 dropped it on day 1.
            _ = try await store.ingest(Kit.batch(feed: Kit.feed(1), at: Kit.at(hours: 24), items: []))
            let b = Kit.item("b", "Envoy in Doha", link: "https://wire.example/envoy?utm_source=f2")
            for day in stride(from: 0, through: 60, by: 10) {
                let rb = try await store.ingest(
                    Kit.batch(feed: Kit.feed(2), at: Kit.at(hours: Double(24 * day)), items: [b]))
                #expect(rb.alerts.isEmpty)
            }
            let outcome = try await store.prune(now: Kit.at(hours: 24 * 60), retention: Self.retention, batchSize: 10)
            #expect(outcome.items == 1 && outcome.stories == 0)  // the story lives on in feed 2
            // A third feed picks it up: same story, already alerted.
            _ = try await store.ingest(Kit.batch(feed: Kit.feed(3), at: Kit.at(hours: 24 * 60), items: []))
            let c = Kit.item("c", "Envoy", link: "https://wire.example/envoy")
            #expect(
                try await store.ingest(Kit.batch(feed: Kit.feed(3), at: Kit.at(hours: 24 * 61), items: [c])).alerts
                    .isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func oldEventsAndFinishedOutboxRowsGoPendingStay(backend: StoreBackend) async throws {
        try await backend.withOutboxStore { store in
            _ = try await store.ingest(Kit.batch(at: Kit.at(hours: -1), items: []))
            let r = try await store.ingest(
                Kit.batch(
                    at: Kit.at(hours: 0),
                    items: [
                        Kit.item("1", "Gaza one", link: "https://feed1.example/1"),
                        Kit.item("2", "Gaza two and Israel", link: "https://feed1.example/2"),
                    ]))
            #expect(r.alerts.count == 3)
            try await store.markDelivered(alertIDs: r.alerts.map(\.id), sink: "file", at: Kit.at(hours: 0))
            try await store.markDelivered(alertIDs: [r.alerts[0].id], sink: "webhook", at: Kit.at(hours: 0))
            try await store.markFailed(
                alertID: r.alerts[1].id, sink: "webhook", at: Kit.at(hours: 25), error: "x",
                nextAttempt: Kit.at(hours: 26), giveUpAfter: 86400)
            // alerts[2] stays pending for the webhook.
            try await store.recordFailure(
                FeedFailure(key: Kit.feed(1).key, at: Kit.at(hours: 1), kind: "http", message: "500"))
            try await store.recordFailure(
                FeedFailure(key: Kit.feed(1).key, at: Kit.at(hours: 24 * 40), kind: "http", message: "502"))
            let outcome = try await store.prune(now: Kit.at(hours: 24 * 41), retention: Self.retention, batchSize: 1)
            #expect(outcome.alerts == 2 && outcome.fetchEvents == 1)
            #expect(
                try await store.pendingDeliveries(sink: "webhook", dueAt: nil, limit: 10).map(\.alert.id) == [
                    r.alerts[2].id
                ])
            #expect(
                try await store.fetchFailures(from: Kit.at(hours: 0), to: Kit.at(hours: 24 * 50)).map(\.message) == [
                    "502"
                ])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func removedFeedsAreForgottenOnceEmpty(backend: StoreBackend) async throws {
        try await backend.withOutboxStore { store in
            _ = try await store.ingest(
                Kit.batch(feed: Kit.feed(1), at: Kit.at(hours: 0), items: [Kit.item("1", "one two three")]))
            _ = try await store.ingest(
                Kit.batch(feed: Kit.feed(2), at: Kit.at(hours: 0), items: [Kit.item("1", "four five six")]))
            try await store.syncFeeds([Kit.feed(2)], at: Kit.at(hours: 1))
            #expect(
                try await store.prune(now: Kit.at(hours: 24 * 20), retention: Self.retention, batchSize: 5).feeds == 0)
            let outcome = try await store.prune(now: Kit.at(hours: 24 * 31), retention: Self.retention, batchSize: 5)
            #expect(outcome.items == 1 && outcome.feeds == 1)
            #expect(try await store.feedStates(includeInactive: true).map(\.key) == [Kit.feed(2).key])
        }
    }

    /// Many feeds removed at once are all forgotten (a few per transaction on SQLite), and one whose items are still
    /// within retention stays.
    @Test(arguments: StoreBackend.allCases)
    func manyRemovedFeedsAreForgottenInBatches(backend: StoreBackend) async throws {
        try await backend.withOutboxStore { store in
            let removed = (1...23).map(Kit.feed)
            try await store.syncFeeds(removed + [Kit.feed(24)], at: Kit.at(hours: 0))
            _ = try await store.ingest(
                Kit.batch(feed: Kit.feed(24), at: Kit.at(hours: 24 * 30), items: [Kit.item("1", "one two three")]))
            try await store.syncFeeds([], at: Kit.at(hours: 1))
            let outcome = try await store.prune(now: Kit.at(hours: 24 * 31), retention: Self.retention, batchSize: 5)
            #expect(outcome.feeds == 23)
            #expect(try await store.feedStates(includeInactive: true).map(\.key) == [Kit.feed(24).key])
        }
    }
}
