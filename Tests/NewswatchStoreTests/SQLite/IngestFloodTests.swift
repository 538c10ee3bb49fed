import Foundation
import GRDB
import NewswatchCore
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// Issue 19 item 3: the story index compared each new item with every other new item of its batch, so one poll of
/// 50,000 items held the store's write transaction for about a minute. The cost is counted, not timed.
@Suite struct IngestFloodTests {
    /// A word made of letters only, unique per `n` and `prefix` (numbers are title words of their own).
    static func word(_ n: Int, prefix: String = "zq") -> String {
        var n = n
        var s = ""
        repeat {
            s.append(Character(Unicode.Scalar(UInt8(97 + n % 26))))
            n /= 26
        } while n > 0
        return prefix + s + "x"
    }

    /// `count` items in pairs: the second of each pair is the first's story re-headlined (one word more), under
    /// another link. Every title is about Gaza, like a flood of fresh matching items.
    static func pairs(_ count: Int) -> [ParsedItem] {
        (0..<count).map { i in
            let pair = i / 2
            var title = "Gaza correspondent \(word(pair)) reports \(pair) convoy"
            if i % 2 == 1 { title += " " + word(pair, prefix: "zw") }
            return Kit.item(
                "item-\(i)", title, link: "https://feed1.example/\(i)", published: Kit.at(hours: -0.5),
                summary: "Dispatch \(i).")
        }
    }

    /// Ingests `count` items into a fresh store; the titles compared and the stories made.
    func ingest(_ count: Int, _ backend: StoreBackend) async throws -> (comparisons: Int, stories: Int, alerts: Int) {
        var result = (comparisons: 0, stories: 0, alerts: 0)
        try await backend.withIngestStore { store in
            _ = try await store.ingest(Kit.batch(at: Kit.at(hours: -1), items: []))
            let before = store.titleComparisons
            let outcome = try await store.ingest(Kit.batch(at: Kit.at(hours: 0), items: Self.pairs(count)))
            let stories = try await store.count("SELECT COUNT(DISTINCT story_id) FROM items")
            result = (store.titleComparisons - before, stories, outcome.alerts.count)
        }
        return result
    }

    @Test(arguments: StoreBackend.allCases)
    func titleClusteringOfABatchIsLinearInItsItems(backend: StoreBackend) async throws {
        let small = try await ingest(200, backend)
        let large = try await ingest(800, backend)
        // Each pair still becomes one story: the batch's items find each other through the index.
        #expect(small.stories == 100 && large.stories == 400)
        #expect(small.alerts == 100 && large.alerts == 400)
        // Comparing every new item with every other made 4× the items cost 16× the comparisons (~320,000 here).
        #expect(small.comparisons > 0)
        #expect(large.comparisons <= 4 * small.comparisons, "\(small.comparisons) → \(large.comparisons)")
    }

    @Test func oneLookupComparesAtMostTheCandidateCap() {
        let index = StoryIndex()
        let title = StoryTitle("Gaza ceasefire talks resume in Cairo")
        for _ in 0..<(3 * StoryIndex.maximumCandidates) {
            index.addPending(StoryIndex.Entry(storyID: 1, time: 0, title: title))
        }
        #expect(index.bestStory(for: title, time: 0) == 1)
        #expect(index.comparisons == StoryIndex.maximumCandidates)
    }

    @Test(arguments: StoreBackend.allCases)
    func truncationWarningIsStoredKeptAndCleared(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in
            let key = Kit.feed(1).key
            var batch = Kit.batch(at: Kit.at(hours: 0), items: Self.pairs(2))
            batch.warning = "truncated: 50000 items in the feed, 1000 kept"
            #expect(try await store.ingest(batch).feedState?.warning == "truncated: 50000 items in the feed, 1000 kept")
            // Unchanged bodies and failures leave it: the feed still holds what was cut.
            let kept = try await store.recordNoChange(
                NoChangeRecord(key: key, at: Kit.at(hours: 1), reason: .bodyUnchanged, httpStatus: 200))
            #expect(kept.warning == "truncated: 50000 items in the feed, 1000 kept")
            _ = try await store.recordFailure(
                FeedFailure(key: key, at: Kit.at(hours: 2), kind: "timeout", message: "timed out"))
            #expect(try await store.feedState(key: key)?.warning == "truncated: 50000 items in the feed, 1000 kept")
            // The next ingest of a body that fits clears it.
            #expect(
                try await store.ingest(Kit.batch(at: Kit.at(hours: 3), items: Self.pairs(2))).feedState?.warning == nil)
        }
    }
}
