import Foundation
import NewswatchCore
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// Spikes (CONTRACT §10): the last hour's matching items against the same hour of the 7 days before, with the
/// clock passed in.
@Suite struct SpikeTests {
    static var topics: [TopicDefinition] {
        var topics = Kit.topics
        topics[0].rules.spikeFactor = 3
        topics[0].rules.spikeMinItems = 5
        return topics
    }

    /// `count` gaza items first seen at `time` (a feed's second fetch, so none is held back).
    static func ingest(_ store: any OutboxBackend, count: Int, at time: Date, tag: String) async throws {
        let items = (0..<count).map { i in
            Kit.item(
                "\(tag)-\(i)", "Gaza report \(tag) number \(i) of the day", link: "https://x.example/\(tag)/\(i)",
                published: time)
        }
        _ = try await store.ingest(Kit.batch(feed: Kit.feed(1), at: time, items: items))
    }

    /// A store whose feed is known and which saw `perDay` gaza items in the hour before t0 on each of 7 days.
    static func storeWithHistory(_ place: StorePlace, perDay: Int) async throws -> any OutboxBackend {
        let store = try await place.openOutbox()
        _ = try await store.ingest(Kit.batch(at: Kit.at(hours: -8 * 24), items: []))
        for day in 1...7 {
            try await ingest(store, count: perDay, at: Kit.at(hours: Double(-24 * day) - 0.5), tag: "d\(day)")
        }
        return store
    }

    @Test func theRule() {
        #expect(SpikeRule.baseline([1, 2, 3, 0, 0, 1, 0]) == 1)
        #expect(SpikeRule.baseline([]) == 0)
        let rule = SpikeRule(factor: 3, minItems: 5)
        #expect(rule.isSpike(lastHour: 6, baseline: 2))
        #expect(!rule.isSpike(lastHour: 5, baseline: 2))
        #expect(!rule.isSpike(lastHour: 4, baseline: 0), "below spike_min_items")
        #expect(rule.isSpike(lastHour: 5, baseline: 0))
        let windows = SpikeRule.windows(now: 100 * 86400)
        #expect(windows.count == 8)
        #expect(windows[0] == (100 * 86400 - 3600)..<(100 * 86400))
        #expect(windows[7] == (93 * 86400 - 3600)..<(93 * 86400))
    }

    @Test(arguments: StoreBackend.allCases)
    func aSurgeAgainstTheHoursBaselineAlertsOnceIn6Hours(backend: StoreBackend) async throws {
        try await backend.withPlace { place in
            let store = try await Self.storeWithHistory(place, perDay: 2)
            try await Self.ingest(store, count: 5, at: Kit.at(hours: -0.5), tag: "now")
            // 5 items against a baseline of 2: not three times it.
            #expect(try await store.raiseSpikes(topics: Self.topics, sinks: [.file], now: Kit.t0).isEmpty)
            try await Self.ingest(store, count: 1, at: Kit.at(hours: -0.25), tag: "more")
            let spikes = try await store.raiseSpikes(
                topics: Self.topics, sinks: [.file, SinkRoute(id: "webhook")], now: Kit.t0)
            try #require(spikes.count == 1)
            let spike = spikes[0]
            #expect(spike.kind == .spike)
            #expect(spike.topic == "gaza")
            #expect(spike.extra.itemsLastHour == 6)
            #expect(spike.extra.baseline == 2)
            #expect(
                spike.json.compact.contains(
                    "\"story\":null,\"sources\":null,\"kind\":\"spike\",\"items_last_hour\":6,\"baseline\":2"))
            let owed = try await store.pendingDeliveries(sink: "webhook", dueAt: nil, limit: 100).map(\.alert)
            #expect(owed.filter { $0.kind == .spike } == [spike], "the spike reads back whole")

            // Still surging, after a restart: nothing within 6 hours, again after.
            let reopened = try await place.openOutbox()
            try await Self.ingest(reopened, count: 8, at: Kit.at(hours: 5.5), tag: "later")
            #expect(
                try await reopened.raiseSpikes(topics: Self.topics, sinks: [.file], now: Kit.at(hours: 5.9)).isEmpty)
            try await Self.ingest(reopened, count: 8, at: Kit.at(hours: 6.5), tag: "after")
            #expect(
                try await reopened.raiseSpikes(topics: Self.topics, sinks: [.file], now: Kit.at(hours: 7)).count == 1)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func topicsWithoutSpikeFactorAndHeldBackItemsDoNotCount(backend: StoreBackend) async throws {
        try await backend.withOutboxStore { store in
            // A new feed's first fetch: 20 old gaza items, held back by the backfill rule.
            let old = (0..<20).map { i in
                Kit.item(
                    "old-\(i)", "Gaza archive story \(i)", link: "https://x.example/old/\(i)",
                    published: Kit.at(hours: -48))
            }
            _ = try await store.ingest(Kit.batch(at: Kit.at(hours: -0.5), items: old))
            #expect(try await store.raiseSpikes(topics: Self.topics, sinks: [.file], now: Kit.t0).isEmpty)
            try await Self.ingest(store, count: 9, at: Kit.at(hours: -0.2), tag: "new")
            #expect(try await store.raiseSpikes(topics: Kit.topics, sinks: [.file], now: Kit.t0).isEmpty)
            #expect(try await store.raiseSpikes(topics: Self.topics, sinks: [.file], now: Kit.t0).count == 1)
        }
    }
}
