import Foundation
import NewswatchCore
import Testing

@testable import NewswatchStore

/// SQLite's blocking ingest from several threads at once (AsyncIngestTests has the awaited one on both backends).
@Suite struct ConcurrentIngestTests {
    @Test func parallelIngestsOfDifferentFeedsAreSerialisedCorrectly() throws {
        let kit = try StoreTestKit()
        defer { kit.dir.remove() }
        let store = try kit.open()
        let feeds = 8
        for n in 0..<feeds {
            _ = try store.ingest(
                StoreTestKit.batch(feed: StoreTestKit.feed(n), at: StoreTestKit.at(hours: -1), items: []))
        }
        // Every feed carries the same wire story (one link) plus items of its own.
        DispatchQueue.concurrentPerform(iterations: feeds) { n in
            let items = [
                StoreTestKit.item(
                    "wire", "Gaza ceasefire announced by mediators", link: "https://wire.example/ceasefire"),
                StoreTestKit.item(
                    "own-\(n)", "Local item \(n) about Israel number \(n)", link: "https://f\(n).example/own"),
            ]
            _ = try? store.ingest(
                StoreTestKit.batch(feed: StoreTestKit.feed(n), at: StoreTestKit.at(hours: 0), items: items))
        }
        let pending = try store.pendingDeliveries(sink: "file", dueAt: nil, limit: 100).map(\.alert)
        // One story for the wire item (gaza + israel? no: its title names only Gaza) and one per own item.
        #expect(pending.filter { $0.link == "https://wire.example/ceasefire" }.map(\.topic) == ["gaza"])
        #expect(pending.filter { $0.topic == "israel" }.count == feeds)
        #expect(try store.itemCounts().values.reduce(0, +) == feeds * 2)
    }
}
