import Foundation
import GRDB
import NewswatchCore
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// `escalate_sources` (CONTRACT §10): one `update` per (story, topic, threshold), across restarts.
@Suite struct EscalationTests {
    static var topics: [TopicDefinition] {
        var topics = Kit.topics
        topics[0].rules.escalateSources = 3
        return topics
    }

    /// Feed `n` carrying the shared story at `hours` past t0.
    static func batch(feed n: Int, hours: Double) -> IngestBatch {
        var batch = Kit.batch(
            feed: Kit.feed(n), at: Kit.at(hours: hours),
            items: [
                Kit.item(
                    "f\(n)", "Gaza talks resume in Cairo", link: "https://wire.example/talks",
                    published: Kit.at(hours: hours - 0.1))
            ])
        batch.topics = topics
        return batch
    }

    @Test(arguments: StoreBackend.allCases)
    func aStoryReachingTheThresholdAlertsOnceMoreWithPreviousSources(backend: StoreBackend) async throws {
        try await backend.withPlace { kit in
            var store = try await kit.open()
            let first = try await store.ingest(Self.batch(feed: 1, hours: 0)).alerts
            #expect(first.map(\.kind) == [.new])
            #expect(
                try await store.ingest(Self.batch(feed: 2, hours: 1)).alerts.isEmpty, "2 sources: below the threshold")
            let third = try await store.ingest(Self.batch(feed: 3, hours: 2)).alerts
            try #require(third.count == 1)
            let update = third[0]
            #expect(update.kind == .update)
            #expect(update.sources == 3)
            #expect(update.extra.previousSources == 1)
            #expect(update.story == first[0].story)
            #expect(update.id != first[0].id)
            #expect(update.title == "Gaza talks resume in Cairo")
            #expect(update.feed == "Feed 3")
            #expect(update.detected == Kit.at(hours: 2))
            // The update is owed to every sink of its topic, and reads back whole.
            #expect(
                try await store.pendingDeliveries(sink: "webhook", dueAt: nil, limit: 10).map(\.alert) == [
                    first[0], update,
                ])

            // A fourth source, and a restart with a fifth: no second update for the same threshold.
            #expect(try await store.ingest(Self.batch(feed: 4, hours: 3)).alerts.isEmpty)
            store = try await kit.open()
            #expect(try await store.ingest(Self.batch(feed: 5, hours: 4)).alerts.isEmpty)
            #expect(
                try await store.pendingDeliveries(sink: "file", dueAt: nil, limit: 10).map(\.alert.kind) == [
                    .new, .update,
                ])
            // The digest reads both back whole, kind and previous sources included.
            #expect(try await store.alerts(detectedFrom: Kit.at(hours: 0), to: Kit.at(hours: 5)) == [first[0], update])
            #expect(try await store.alerts(detectedFrom: Kit.at(hours: 1), to: Kit.at(hours: 2)).isEmpty)
        }
    }

    /// An update follows its topic's delivery like a new alert: batched for the chat sinks, at once in the file.
    @Test func anUpdateOfABatchedTopicWaitsForItsBatchLikeANewAlert() throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        let store = try kit.open()
        func batched(_ n: Int, _ hours: Double) -> IngestBatch {
            var batch = Self.batch(feed: n, hours: hours)
            batch.topics[0].delivery = TopicDelivery(mode: .batch, batchPeriod: 900)
            return batch
        }
        _ = try store.ingest(batched(1, 0))
        _ = try store.ingest(batched(2, 1))
        let third = try store.ingest(batched(3, 2)).alerts
        try #require(third.map(\.kind) == [.update])
        let now = Kit.at(hours: 2)
        let end = Date(timeIntervalSince1970: ((now.timeIntervalSince1970 / 900).rounded(.down) + 1) * 900)
        #expect(try store.pendingDeliveries(sink: "file", dueAt: nil, limit: 10).map(\.alert.kind) == [.new, .update])
        // The first alert's batch (hour 0) is long due; the update waits for the end of its own period.
        #expect(
            try store.releasedDeliveries(sink: "webhook", at: now, attemptsDue: false, limit: 10).map(\.alert.kind)
                == [.new])
        let released = try store.releasedDeliveries(sink: "webhook", at: end, attemptsDue: true, limit: 10)
        #expect(released.map(\.alert.kind) == [.new, .update])
        #expect(released.last?.release?.hold == .batch)
        #expect(released.last?.release?.notBefore == end)
    }

    @Test(arguments: StoreBackend.allCases)
    func theEscalationFactIsAUniqueKeyNotLuck(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in
            for n in 1...3 { _ = try await store.ingest(Self.batch(feed: n, hours: Double(n))) }
            #expect(try await store.count("SELECT COUNT(*) FROM escalations") == 1)
            let insert = """
                INSERT INTO escalations(story_key, topic, threshold, alert_id, at)
                SELECT story_key, topic, threshold, 'x', 0 FROM escalations
                """
            let duplicate: Bool
            if let store = store as? SQLiteStore {
                duplicate = try await store.write { db -> Bool in
                    do {
                        try db.execute(sql: insert)
                        return false
                    } catch {
                        return true
                    }
                }
            } else {
                duplicate = (try? await store.count(insert + " RETURNING 1")) == nil
            }
            #expect(duplicate, "a second (story, topic, threshold) row was accepted")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aStoryAlreadyAtTheThresholdWhenFirstAlertedDoesNotUpdate(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in
            // Two feeds carry the story before it matches a topic that alerts (the item of feed 3 is the first "new").
            for n in 1...2 {
                var batch = Self.batch(feed: n, hours: Double(n))
                batch.topics = []
                _ = try await store.ingest(batch)
            }
            let alerts = try await store.ingest(Self.batch(feed: 3, hours: 3)).alerts
            #expect(alerts.map(\.kind) == [.new])
            #expect(alerts.first?.sources == 3)
            #expect(try await store.ingest(Self.batch(feed: 4, hours: 4)).alerts.isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func topicsWithoutTheKeyNeverUpdate(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in
            var all: [Alert] = []
            for n in 1...4 {
                var batch = Self.batch(feed: n, hours: Double(n))
                batch.topics = Kit.topics
                all += try await store.ingest(batch).alerts
            }
            #expect(all.map(\.kind) == [.new])
        }
    }
}
