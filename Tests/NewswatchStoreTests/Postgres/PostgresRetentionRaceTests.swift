import Foundation
import NewswatchCore
import NewswatchTestSupport
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// Retention on one daemon while another ingests, on a real PostgreSQL 15: pruning never makes an old item new.
@Suite struct PostgresRetentionRaceTests {
    @Test func anItemSeenAgainWhilePruningIsKept() async throws {
        let url = try PostgresCluster.makeDatabase()
        let pruner = try await PostgresStore(location: PostgresLocation(url: url))
        let poller = try await PostgresStore(location: PostgresLocation(url: url))
        let day: TimeInterval = 24
        for round in 0..<5 {
            // Twenty items that left their feed on day 1: stale on day 40, and back in the feed on day 40 (each
            // round 50 days after the last: the clock only goes forward).
            let feed = Kit.feed(10 + round)
            let start = Double(round * 50) * day
            let items = (0..<20).map {
                Kit.item("\(round)-\($0)", "Gaza item \(round) \($0)", link: "https://r\(round).example/\($0)")
            }
            _ = try await poller.ingest(Kit.batch(feed: feed, at: Kit.at(hours: start), items: items))
            _ = try await poller.ingest(Kit.batch(feed: feed, at: Kit.at(hours: start + day), items: []))
            let back = Kit.at(hours: start + 40 * day)
            async let pruned = pruner.prune(now: back, retention: 30 * 86_400, batchSize: 1)
            async let seen = poller.ingest(Kit.batch(feed: feed, at: back, items: items))
            _ = try await (pruned, seen)
            // Whichever went first, every item is known now: an item pruned before the ingest came back new and was
            // stored again; one the ingest saw again was not pruned after it.
            let again = try await poller.ingest(Kit.batch(feed: feed, at: back.addingTimeInterval(60), items: items))
            #expect(again.newItems == 0 && again.alerts.isEmpty, "round \(round)")
            #expect(try await pruner.itemCounts()[feed.key] == 20, "round \(round)")
        }
        await pruner.close()
        await poller.close()
    }
}
