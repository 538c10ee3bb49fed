import Foundation
import GRDB
import NewswatchCore
import Testing

@testable import NewswatchStore

/// What `match --stored`, `feedback` and `eval --feedback` read and write (CONTRACT §8): the whole matchable text
/// of stored items, verdicts on alerts.
@Suite struct TuningStoreTests {
    typealias Kit = StoreTestKit

    private func richItem() -> ParsedItem {
        var item = Kit.item("r1", "Cabinet meets", link: "https://x.example/r1", published: Kit.at(hours: 0))
        item.summary = String(repeating: "long summary ", count: 100) + "Khan Younis"
        item.content = "The full text names Deir al-Balah."
        item.categories = ["Middle East", "Politics"]
        return item
    }

    @Test(arguments: StoreBackend.allCases)
    func storedItemsKeepTheWholeMatchableTextAndFirstSeenTopics(backend: StoreBackend) async throws {
        try await backend.withOutboxStore { store in
            _ = try await store.ingest(
                Kit.batch(
                    at: Kit.at(hours: 0),
                    items: [
                        richItem(),
                        Kit.item("g1", "Gaza talks", link: "https://x.example/g1", published: Kit.at(hours: 0)),
                    ]))
            let items = try await store.storedItems(firstSeenFrom: Kit.at(hours: -1), to: Kit.at(hours: 1))
            #expect(items.count == 2)
            let rich = try #require(items.first { $0.title == "Cabinet meets" })
            // The `summary` column is capped at 1000 characters; the stored match text is not.
            #expect(rich.summary == richItem().summary)
            #expect(rich.content == "The full text names Deir al-Balah.")
            #expect(rich.categories == ["Middle East", "Politics"])
            #expect(rich.hasFullText)
            #expect(rich.feedName == "Feed 1")
            #expect(rich.feedKey == Kit.feed(1).key)
            #expect(rich.storedTopics == [])
            let bare = try #require(items.first { $0.title == "Gaza talks" })
            #expect(bare.storedTopics == ["gaza"])
            // An item with nothing but a title was stored whole too.
            #expect(bare.hasFullText && bare.summary == nil && bare.content == nil && bare.categories == [])
            #expect(try await store.storedItems(firstSeenFrom: Kit.at(hours: 1), to: Kit.at(hours: 2)).isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func anEditedItemKeepsItsNewText(backend: StoreBackend) async throws {
        try await backend.withOutboxStore { store in
            var item = richItem()
            _ = try await store.ingest(Kit.batch(at: Kit.at(hours: 0), items: [item]))
            item.content = "Edited: now about Rafah."
            _ = try await store.ingest(Kit.batch(at: Kit.at(hours: 1), items: [item]))
            let stored = try await store.storedItems(firstSeenFrom: Kit.at(hours: -1), to: Kit.at(hours: 2))
            #expect(stored.map(\.content) == ["Edited: now about Rafah."])
        }
    }

    @Test func itemsStoredBeforeVersion3AreMarkedPartial() throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        do {
            let store = try kit.open()
            _ = try store.ingest(Kit.batch(at: Kit.at(hours: 0), items: [richItem()]))
        }
        // As a file written before `v3-tuning`: no match text.
        let pool = try DatabasePool(path: kit.path)
        try pool.write { try $0.execute(sql: "UPDATE items SET match_text = NULL") }
        let item = try #require(
            try kit.open().storedItems(firstSeenFrom: Kit.at(hours: -1), to: Kit.at(hours: 1)).first)
        #expect(!item.hasFullText)
        #expect(item.summary?.count == 1000)
        #expect(item.content == nil)
        #expect(item.categories == [])
    }

    @Test(arguments: StoreBackend.allCases)
    func verdictsReplaceEarlierOnesAndCountPerTopic(backend: StoreBackend) async throws {
        try await backend.withOutboxStore { store in
            let outcome = try await store.ingest(
                Kit.batch(
                    at: Kit.at(hours: 0),
                    items: [
                        Kit.item(
                            "a", "Gaza strikes kill dozens overnight", link: "https://x.example/a",
                            published: Kit.at(hours: 0)),
                        Kit.item(
                            "b", "Israel parliament votes on budget", link: "https://x.example/b",
                            published: Kit.at(hours: 0)),
                        Kit.item(
                            "c", "Aid convoy reaches northern Gaza", link: "https://x.example/c",
                            published: Kit.at(hours: 0)),
                    ]))
            let ids = outcome.alerts.map(\.id)
            #expect(outcome.alerts.map(\.topic) == ["gaza", "israel", "gaza"])
            #expect(try await store.verdictCounts() == [])
            try await store.recordVerdict(Verdict(alertID: ids[0], relevant: true, at: Kit.at(hours: 1)))
            try await store.recordVerdict(Verdict(alertID: ids[2], relevant: true, at: Kit.at(hours: 1)))
            try await store.recordVerdict(
                Verdict(alertID: ids[1], relevant: false, note: "vote, not war", at: Kit.at(hours: 1)))
            try await store.recordVerdict(
                Verdict(alertID: ids[2], relevant: false, note: "aid only", at: Kit.at(hours: 2)))
            #expect(
                try await store.verdictCounts() == [
                    VerdictCount(topic: "gaza", relevant: 1, irrelevant: 1),
                    VerdictCount(topic: "israel", relevant: 0, irrelevant: 1),
                ])
            let unknown = await #expect(throws: StoreError.self) {
                try await store.recordVerdict(Verdict(alertID: "no-such-alert", relevant: true, at: Kit.at(hours: 1)))
            }
            #expect(unknown?.kind == .notFound)

            let judged = try await store.judgedAlerts(detectedFrom: .distantPast)
            #expect(judged.map(\.verdict.alertID) == ids)
            #expect(judged.map(\.topic) == ["gaza", "israel", "gaza"])
            #expect(judged[2].verdict.note == "aid only")
            #expect(judged[2].verdict.at == Kit.at(hours: 2))
            #expect(
                judged.map { $0.item?.title } == [
                    "Gaza strikes kill dozens overnight", "Israel parliament votes on budget",
                    "Aid convoy reaches northern Gaza",
                ])
            #expect(try await store.judgedAlerts(detectedFrom: Kit.at(hours: 1)).isEmpty)
        }
    }

    @Test func readOnlyStoreReadsButCannotRecordVerdicts() throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        let outcome = try kit.open().ingest(
            Kit.batch(
                at: Kit.at(hours: 0),
                items: [
                    Kit.item(
                        "a", "Gaza strikes kill dozens overnight", link: "https://x.example/a",
                        published: Kit.at(hours: 0))
                ]))
        let reader = try SQLiteStore(path: kit.path, options: .init(readOnly: true))
        #expect(try reader.storedItems(firstSeenFrom: .distantPast, to: Kit.at(hours: 1)).count == 1)
        #expect(throws: StoreError.self) {
            try reader.recordVerdict(Verdict(alertID: outcome.alerts[0].id, relevant: true, at: Kit.at(hours: 1)))
        }
    }
}
