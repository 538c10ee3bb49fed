import Foundation
import NewswatchCore
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// Several daemons ingesting into one PostgreSQL database at the same moment: story clustering, the (story, topic)
/// alert and escalation thresholds hold by a lock and unique keys, not luck (CONTRACT §9).
@Suite struct PostgresIngestTests {
    /// A headline of round `round` about Gaza and Israel: three words of its own (by `prefixes`), so that no two
    /// rounds' (or prefixes') headlines are alike.
    static func title(_ round: Int, prefixes: [String] = ["zq", "zw", "zv"]) -> String {
        "Gaza Israel " + prefixes.map { IngestFloodTests.word(round, prefix: $0) }.joined(separator: " ") + " talks"
    }

    /// Two stores on one database ingest, at the same moment, copies of one story in two established feeds — the
    /// same headline under two links on even rounds, the same link under two headlines on odd ones: one story, one
    /// alert per topic, every round.
    @Test func twoDaemonsIngestingCopiesOfOneStoryAtOnceMakeOneStoryAndOneAlertPerTopic() async throws {
        try await StoreBackend.postgres.withPlace { place in
            let a = try await place.open()
            let b = try await place.open()
            _ = try await a.ingest(Kit.batch(feed: Kit.feed(1), at: Kit.at(hours: -1), items: []))
            _ = try await b.ingest(Kit.batch(feed: Kit.feed(2), at: Kit.at(hours: -1), items: []))
            for round in 0..<50 {
                let sameLink = round % 2 == 1
                let at = Kit.at(hours: Double(round) / 60)
                func item(_ feed: Int) -> ParsedItem {
                    Kit.item(
                        "r\(round)-f\(feed)",
                        // Same link: headlines too different to join by title.
                        sameLink
                            ? Self.title(round, prefixes: feed == 1 ? ["zs", "zr", "zp"] : ["zk", "zj", "zh"])
                            : Self.title(round),
                        link: sameLink ? "https://wire.example/\(round)" : "https://feed\(feed).example/\(round)",
                        published: at.addingTimeInterval(-60))
                }
                let (batchA, batchB) = (
                    Kit.batch(feed: Kit.feed(1), at: at, items: [item(1)]),
                    Kit.batch(feed: Kit.feed(2), at: at, items: [item(2)])
                )
                async let fromA = a.ingest(batchA)
                async let fromB = b.ingest(batchB)
                let outcomes = try await [fromA, fromB]
                #expect(outcomes.map(\.newItems) == [1, 1], "round \(round)")
                let alerts = outcomes.flatMap(\.alerts)
                #expect(alerts.map(\.topic).sorted() == ["gaza", "israel"], "round \(round)")
                let stories = try await a.count(
                    "SELECT count(DISTINCT story_id) FROM items WHERE guid IN ('r\(round)-f1', 'r\(round)-f2')")
                #expect(stories == 1, "round \(round): \(sameLink ? "same link" : "same title")")
            }
            #expect(try await a.count("SELECT count(*) FROM alerts") == 100)
            #expect(try await a.count("SELECT count(DISTINCT story_key) FROM alerts") == 50)
        }
    }

    /// Two stores on one database each bring a story to its `escalate_sources` threshold at the same moment: one
    /// `update` alert per threshold, every round.
    @Test func twoDaemonsEscalatingAtOnceMakeOneUpdate() async throws {
        try await StoreBackend.postgres.withPlace { place in
            let a = try await place.open()
            let b = try await place.open()
            for n in 1...4 { _ = try await a.ingest(Kit.batch(feed: Kit.feed(n), at: Kit.at(hours: -1), items: [])) }
            for round in 0..<20 {
                let at = Kit.at(hours: Double(round) / 60)
                func batch(_ feed: Int) -> IngestBatch {
                    var batch = Kit.batch(
                        feed: Kit.feed(feed), at: at,
                        items: [
                            Kit.item(
                                "r\(round)-f\(feed)", Self.title(round), link: "https://wire.example/\(round)",
                                published: at.addingTimeInterval(-60))
                        ])
                    batch.topics = EscalationTests.topics
                    return batch
                }
                // Two sources first (threshold 3 on "gaza"), then the third and fourth at once.
                let first = try await a.ingest(batch(1)).alerts + (try await a.ingest(batch(2)).alerts)
                #expect(first.map(\.kind) == [.new, .new], "round \(round)")
                let (third, fourth) = (batch(3), batch(4))
                async let fromA = a.ingest(third)
                async let fromB = b.ingest(fourth)
                let updates = try await [fromA, fromB].flatMap(\.alerts)
                #expect(updates.map(\.kind) == [.update], "round \(round)")
                #expect(updates.first?.sources == 3 && updates.first?.extra.previousSources == 1, "round \(round)")
            }
            #expect(try await a.count("SELECT count(*) FROM escalations") == 20)
            #expect(try await a.count("SELECT count(*) FROM alerts WHERE kind = 'update'") == 20)
        }
    }

    /// The title index forgets titles older than the story window (as SQLite's `StoryIndex` compacts itself), so a
    /// long-running daemon's index stays the size of two days of headlines.
    @Test func theTitleIndexDropsTitlesThatLeftTheWindow() async throws {
        try await StoreBackend.postgres.withPlace { place in
            let store = try await place.openPostgres()
            let old = (0..<4).map { n in
                Kit.item(
                    "\(n)", Self.title(n), link: "https://feed1.example/\(n)", published: Kit.at(hours: -0.5))
            }
            _ = try await store.ingest(Kit.batch(feed: Kit.feed(1), at: Kit.at(hours: 0), items: old))
            #expect(store.storyIndex.index.entries.count == 4)
            let fresh = Kit.item("x", Self.title(9), link: "https://feed2.example/x", published: Kit.at(hours: 50))
            _ = try await store.ingest(Kit.batch(feed: Kit.feed(2), at: Kit.at(hours: 50), items: [fresh]))
            #expect(store.storyIndex.index.entries.map(\.time) == [Kit.at(hours: 50).storeSeconds])
            // A restarted daemon reads only the window's titles back.
            let restarted = try await place.openPostgres()
            let again = Kit.item("y", Self.title(10), link: "https://feed2.example/y", published: Kit.at(hours: 50))
            _ = try await restarted.ingest(Kit.batch(feed: Kit.feed(2), at: Kit.at(hours: 50), items: [again]))
            #expect(restarted.storyIndex.index.entries.count == 2)
        }
    }

    /// New and update alerts of a batched topic carry the batch's release in their non-file delivery rows, as
    /// SQLite's (EscalationTests reads them back through `releasedDeliveries` there).
    @Test func deliveryRowsCarryTheTopicsRelease() async throws {
        try await StoreBackend.postgres.withIngestStore { store in
            func batched(_ n: Int, _ hours: Double) -> IngestBatch {
                var batch = EscalationTests.batch(feed: n, hours: hours)
                batch.topics[0].delivery = TopicDelivery(mode: .batch, batchPeriod: 900)
                return batch
            }
            _ = try await store.ingest(batched(1, 0))
            _ = try await store.ingest(batched(2, 1))
            #expect(try await store.ingest(batched(3, 2)).alerts.map(\.kind) == [.update])
            let end = Int64(((Kit.at(hours: 2).timeIntervalSince1970 / 900).rounded(.down) + 1) * 900)
            let query = """
                SELECT count(*) FROM deliveries d JOIN alerts a ON a.seq = d.alert_seq
                WHERE a.kind = 'update' AND d.sink = 'webhook' AND d.not_before = \(end)
                    AND d.period_start = \(end - 900) AND d.hold = 'batch'
                """
            #expect(try await store.count(query) == 1)
            #expect(try await store.count("SELECT count(*) FROM deliveries WHERE not_before IS NULL") == 2)
            #expect(try await store.count("SELECT count(*) FROM deliveries WHERE sink = 'file' AND hold IS NULL") == 2)
        }
    }
}
