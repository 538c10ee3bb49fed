import Foundation
import NewswatchCore
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

@Suite struct IngestTests {
    private func alertIDs(_ store: any IngestBackend, sink: String = "file") async throws -> [String] {
        try await store.pendingDeliveries(sink: sink, dueAt: nil, limit: 1000).map(\.alert.id)
    }

    @Test(arguments: StoreBackend.allCases)
    func newMatchingItemAlertsOnceAcrossReingestsAndReopens(backend: StoreBackend) async throws {
        try await backend.withPlace { kit in try await newMatchingItemAlertsOnceAcrossReingestsAndReopens(kit) }
    }

    private func newMatchingItemAlertsOnceAcrossReingestsAndReopens(_ kit: StorePlace) async throws {
        let items = [
            Kit.item(
                "g1", "Israeli strike in Gaza kills 12", link: "https://feed1.example/a", published: Kit.at(hours: -1)),
            Kit.item("g2", "Weather: rain in Paris", link: "https://feed1.example/b", published: Kit.at(hours: -1)),
        ]
        do {
            let store = try await kit.open()
            // First fetch: establishes the feed (nothing in it matches yet besides the recent item).
            let first = try await store.ingest(Kit.batch(at: Kit.at(hours: 0), items: items))
            #expect(first.firstFetch)
            #expect(first.newItems == 2)
            #expect(first.alerts.map(\.topic) == ["gaza", "israel"])
            let again = try await store.ingest(Kit.batch(at: Kit.at(hours: 0.5), items: items))
            #expect(!again.firstFetch)
            #expect(again.newItems == 0 && again.unchangedItems == 2 && again.alerts.isEmpty)
        }
        let reopened = try await kit.open()
        let third = try await reopened.ingest(Kit.batch(at: Kit.at(hours: 1), items: items.reversed()))
        #expect(third.newItems == 0 && third.alerts.isEmpty)
        #expect(try await alertIDs(reopened).count == 2)
        #expect(try await alertIDs(reopened, sink: "webhook").count == 2)
    }

    @Test(arguments: StoreBackend.allCases)
    func alertRecordCarriesTheContractFields(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in
            _ = try await store.ingest(Kit.batch(at: Kit.at(hours: -2), items: []))
            let long = String(repeating: "word ", count: 100)
            let outcome = try await store.ingest(
                Kit.batch(
                    at: Kit.at(hours: 0),
                    items: [
                        Kit.item(
                            "guid-1", "Aid trucks enter Gaza", link: "https://feed1.example/aid?utm_source=rss",
                            published: Kit.at(hours: -0.25), summary: long)
                    ]))
            let alert = try #require(outcome.alerts.first)
            #expect(alert.topic == "gaza" && alert.topicName == "Gaza" && alert.priority == .high)
            #expect(alert.title == "Aid trucks enter Gaza")
            #expect(alert.link == "https://feed1.example/aid?utm_source=rss")
            #expect(alert.feed == "Feed 1" && alert.feedURL == "https://feed1.example/rss")
            #expect(alert.published == Kit.at(hours: -0.25) && alert.detected == Kit.at(hours: 0))
            #expect(alert.terms == ["gaza"])
            #expect(alert.sources == 1)
            #expect((alert.summary?.count ?? 0) <= 300 && alert.summary?.hasSuffix("…") == true)
            #expect(alert.id != "guid-1" && alert.id.count == 32 && !alert.story.isEmpty)
            // The outbox returns the same record.
            #expect(try await store.pendingDeliveries(sink: "file", dueAt: nil, limit: 10).map(\.alert) == [alert])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func digestOnlyTopicsRecordMatchesButNeverAlert(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in
            _ = try await store.ingest(Kit.batch(at: Kit.at(hours: -1), items: []))
            let outcome = try await store.ingest(
                Kit.batch(at: Kit.at(hours: 0), items: [Kit.item("1", "Ceasefire talks resume in Cairo")]))
            #expect(outcome.alerts.isEmpty)
            let matched = try await store.matchedItems(firstSeenFrom: Kit.at(hours: -1), to: Kit.at(hours: 1))
            #expect(matched.map(\.topic) == ["quiet"])
        }
    }

    // MARK: New-item detection

    @Test(arguments: StoreBackend.allCases)
    func guidReuseForDifferentItemsNeitherRepeatsNorHidesNewItems(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in
            _ = try await store.ingest(Kit.batch(at: Kit.at(hours: -1), items: []))
            // A feed that gives every item the same guid.
            let a = Kit.item("same", "Gaza: aid convoy reaches north", link: "https://feed1.example/1")
            let b = Kit.item("same", "Israel cabinet meets on budget", link: "https://feed1.example/2")
            let c = Kit.item("same", "Gaza hospital loses power", link: "https://feed1.example/3")
            let r1 = try await store.ingest(Kit.batch(at: Kit.at(hours: 0), items: [a]))
            #expect(r1.newItems == 1 && r1.alerts.count == 1)
            // One item at a time, the same guid: a different link and headline make it a different item.
            let r2 = try await store.ingest(Kit.batch(at: Kit.at(hours: 1), items: [b, a]))
            #expect(r2.newItems == 1 && r2.unchangedItems == 1)
            #expect(r2.alerts.map(\.topic) == ["israel"])
            let r3 = try await store.ingest(Kit.batch(at: Kit.at(hours: 2), items: [c, b, a]))
            #expect(r3.newItems == 1 && r3.alerts.map(\.topic) == ["gaza"])
            let r4 = try await store.ingest(Kit.batch(at: Kit.at(hours: 3), items: [c, b, a]))
            #expect(r4.newItems == 0 && r4.alerts.isEmpty)
            #expect(try await alertIDs(store).count == 3)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func guidReuseWithoutLinksIsRecognisedByHeadline(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in
            _ = try await store.ingest(Kit.batch(at: Kit.at(hours: -1), items: []))
            let a = Kit.item("latest", "Gaza: aid convoy reaches northern districts", summary: "Trucks crossed.")
            let b = Kit.item("latest", "Israel cabinet approves new budget", summary: "The vote was close.")
            #expect(try await store.ingest(Kit.batch(at: Kit.at(hours: 0), items: [a])).alerts.count == 1)
            let r = try await store.ingest(Kit.batch(at: Kit.at(hours: 1), items: [b]))
            #expect(r.newItems == 1 && r.alerts.map(\.topic) == ["israel"])
            let back = try await store.ingest(Kit.batch(at: Kit.at(hours: 2), items: [a]))
            #expect(back.newItems == 0 && back.alerts.isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func guidChurnDoesNotRepeat(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in
            _ = try await store.ingest(Kit.batch(at: Kit.at(hours: -1), items: []))
            for round in 0..<5 {
                // New guids every fetch; links differ only by tracking parameters and fragments.
                let items = [
                    Kit.item(
                        "urn:\(round):1", "Strike hits Gaza City",
                        link: "https://feed1.example/s1?utm_campaign=\(round)#x"),
                    Kit.item("urn:\(round):2", "Israel election called", link: "http://FEED1.example/s2/"),
                    // no link at all: recognised by its content
                    Kit.item("urn:\(round):3", "Gaza ceasefire holds", summary: "Quiet night reported."),
                ]
                let r = try await store.ingest(Kit.batch(at: Kit.at(hours: Double(round)), items: items))
                #expect(r.newItems == (round == 0 ? 3 : 0), "round \(round)")
                #expect(r.alerts.isEmpty == (round != 0), "round \(round)")
            }
            #expect(try await alertIDs(store).count == 3)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func duplicateEntriesInOneDocumentCountOnce(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in
            _ = try await store.ingest(Kit.batch(at: Kit.at(hours: -1), items: []))
            let a = Kit.item("1", "Gaza talks in Doha", link: "https://feed1.example/1")
            let r = try await store.ingest(Kit.batch(at: Kit.at(hours: 0), items: [a, a, a]))
            #expect(r.newItems == 1 && r.unchangedItems == 2 && r.alerts.count == 1)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func amendedLinkSlugWithSameGuidIsAnUpdate(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in
            _ = try await store.ingest(Kit.batch(at: Kit.at(hours: -1), items: []))
            let a = Kit.item(
                "id-77", "Strike in Gaza kills 12", link: "https://feed1.example/2026/strike-gaza-kills-12")
            let b = Kit.item(
                "id-77", "Strike in Gaza kills 15", link: "https://feed1.example/2026/strike-gaza-kills-15")
            _ = try await store.ingest(Kit.batch(at: Kit.at(hours: 0), items: [a]))
            let r = try await store.ingest(Kit.batch(at: Kit.at(hours: 1), items: [b]))
            #expect(r.newItems == 0 && r.updatedItems == 1 && r.alerts.isEmpty)
        }
    }

    // MARK: Updates

    @Test(arguments: StoreBackend.allCases)
    func updateAlertsOnlyANewlyMatchedTopicOnce(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in
            _ = try await store.ingest(Kit.batch(at: Kit.at(hours: -1), items: []))
            let v1 = Kit.item("1", "Gaza strike kills 12", link: "https://feed1.example/1")
            let v2 = Kit.item("1", "Gaza strike kills 15", link: "https://feed1.example/1")
            let v3 = Kit.item("1", "Gaza strike kills 15; Israel responds", link: "https://feed1.example/1")
            let v4 = Kit.item("1", "Gaza strike kills 15; Israel responds to UN", link: "https://feed1.example/1")
            #expect(
                try await store.ingest(Kit.batch(at: Kit.at(hours: 0), items: [v1])).alerts.map(\.topic) == ["gaza"])
            let r2 = try await store.ingest(Kit.batch(at: Kit.at(hours: 1), items: [v2]))
            #expect(r2.updatedItems == 1 && r2.alerts.isEmpty)
            let r3 = try await store.ingest(Kit.batch(at: Kit.at(hours: 2), items: [v3]))
            #expect(r3.updatedItems == 1 && r3.alerts.map(\.topic) == ["israel"])
            let r4 = try await store.ingest(Kit.batch(at: Kit.at(hours: 3), items: [v4]))
            #expect(r4.updatedItems == 1 && r4.alerts.isEmpty)
            // Flip back and forth: never again.
            #expect(try await store.ingest(Kit.batch(at: Kit.at(hours: 4), items: [v1])).alerts.isEmpty)
            #expect(try await store.ingest(Kit.batch(at: Kit.at(hours: 5), items: [v3])).alerts.isEmpty)
            #expect(try await alertIDs(store).count == 2)
            // Digests see the matches recorded when the item was first seen only.
            let matched = try await store.matchedItems(firstSeenFrom: Kit.at(hours: -1), to: Kit.at(hours: 9))
            #expect(matched.map(\.topic) == ["gaza"])
        }
    }

    // MARK: Backfill and dates

    @Test(arguments: StoreBackend.allCases)
    func firstFetchAlertsOnlyItemsWithinBackfill(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in
            let items = [
                Kit.item("recent", "Gaza recent", link: "https://feed1.example/r", published: Kit.at(hours: -5.9)),
                Kit.item("old", "Gaza old news", link: "https://feed1.example/o", published: Kit.at(hours: -7)),
                Kit.item("undated", "Gaza undated report", link: "https://feed1.example/u"),
                Kit.item("future", "Gaza in the future", link: "https://feed1.example/f", published: Kit.at(hours: 2)),
            ]
            let r = try await store.ingest(Kit.batch(at: Kit.at(hours: 0), items: items, backfill: 6 * 3600))
            #expect(r.firstFetch && r.newItems == 4)
            #expect(Set(r.alerts.compactMap(\.title)) == ["Gaza recent", "Gaza in the future"])
            // Everything is stored for digests.
            #expect(try await store.matchedItems(firstSeenFrom: Kit.at(hours: -1), to: Kit.at(hours: 1)).count == 4)
            // Seeing them again never alerts.
            #expect(try await store.ingest(Kit.batch(at: Kit.at(hours: 1), items: items)).alerts.isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func undatedItemsAreDatedWhenFirstSeenAndNeverRealertedForADateChange(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in
            _ = try await store.ingest(Kit.batch(at: Kit.at(hours: -1), items: []))
            let undated = Kit.item("u1", "Gaza: night of shelling", link: "https://feed1.example/u1")
            let r = try await store.ingest(Kit.batch(at: Kit.at(hours: 0), items: [undated]))
            #expect(r.alerts.count == 1)
            #expect(r.alerts.first?.published == Kit.at(hours: 0))
            var dated = undated
            dated.published = Kit.at(hours: 3)
            let r2 = try await store.ingest(Kit.batch(at: Kit.at(hours: 4), items: [dated]))
            #expect(r2.newItems == 0 && r2.alerts.isEmpty)
            let record = try #require(
                try await store.matchedItems(firstSeenFrom: Kit.at(hours: -1), to: Kit.at(hours: 9)).first)
            #expect(record.undated && record.published == Kit.at(hours: 0))
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func republishedOldItemUnderNewGuidIsNotNew(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in
            // First fetch holds the item back (too old) ...
            let old = Kit.item(
                "v1", "Gaza envoy arrives in Cairo for talks", link: "https://feed1.example/envoy",
                published: Kit.at(hours: -30))
            #expect(try await store.ingest(Kit.batch(at: Kit.at(hours: 0), items: [old])).alerts.isEmpty)
            // ... and a republication under a new guid and date, same link, does not alert.
            let republished = Kit.item(
                "v2", "Gaza envoy arrives in Cairo for talks", link: "https://feed1.example/envoy?utm_source=x",
                published: Kit.at(hours: 1))
            let r = try await store.ingest(Kit.batch(at: Kit.at(hours: 1), items: [republished]))
            #expect(r.newItems == 0 && r.alerts.isEmpty)
            // A copy in another, established feed joins the old story and does not alert either.
            _ = try await store.ingest(Kit.batch(feed: Kit.feed(2), at: Kit.at(hours: 0), items: []))
            let copy = Kit.item(
                "x", "Gaza envoy arrives in Cairo for talks", link: "https://feed2.example/envoy",
                published: Kit.at(hours: -29))
            let r2 = try await store.ingest(Kit.batch(feed: Kit.feed(2), at: Kit.at(hours: 2), items: [copy]))
            #expect(r2.newItems == 1 && r2.alerts.isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func firstFetchesInAnyOrderAlertARecentCopyOfAnOldStory(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in
            let old = Kit.item(
                "a", "Gaza truce extended by two days", link: "https://wire.example/truce",
                published: Kit.at(hours: -8))
            let recent = Kit.item(
                "b", "Gaza truce extended by two days", link: "https://wire.example/truce",
                published: Kit.at(hours: -2))
            #expect(
                try await store.ingest(Kit.batch(feed: Kit.feed(1), at: Kit.at(hours: 0), items: [old])).alerts.isEmpty)
            let r = try await store.ingest(Kit.batch(feed: Kit.feed(2), at: Kit.at(hours: 0), items: [recent]))
            #expect(r.alerts.map(\.topic) == ["gaza"])
            #expect(r.alerts.first?.sources == 2)
        }
    }

    // MARK: Stories

    @Test(arguments: StoreBackend.allCases)
    func sameStoryAcrossFeedsAlertsOncePerTopic(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in
            for n in 1...4 {
                _ = try await store.ingest(Kit.batch(feed: Kit.feed(n), at: Kit.at(hours: -1), items: []))
            }
            // Same link (with tracking noise) in feed 2; re-headlined wire copy in feed 3; a different story in feed 4.
            let a = Kit.item(
                "a", "Israeli strike kills 12 in Rafah, Gaza health officials say",
                link: "https://wire.example/rafah-strike", published: Kit.at(hours: -0.5))
            let b = Kit.item(
                "b", "Strike on Rafah", link: "https://wire.example/rafah-strike/?utm_source=feed2",
                published: Kit.at(hours: -0.4))
            let c = Kit.item(
                "c", "Israeli strike kills 12 in Rafah – Gaza health officials",
                link: "https://outlet3.example/world/99", published: Kit.at(hours: -0.3))
            let d = Kit.item(
                "d", "Israeli strike kills 30 in Khan Younis, Gaza health officials say",
                link: "https://outlet4.example/world/7", published: Kit.at(hours: -0.2))
            let ra = try await store.ingest(Kit.batch(feed: Kit.feed(1), at: Kit.at(hours: 0), items: [a]))
            let rb = try await store.ingest(Kit.batch(feed: Kit.feed(2), at: Kit.at(hours: 0.1), items: [b]))
            let rc = try await store.ingest(Kit.batch(feed: Kit.feed(3), at: Kit.at(hours: 0.2), items: [c]))
            let rd = try await store.ingest(Kit.batch(feed: Kit.feed(4), at: Kit.at(hours: 0.3), items: [d]))
            #expect(ra.alerts.map(\.topic) == ["gaza", "israel"])
            #expect(rb.newItems == 1 && rb.alerts.isEmpty)
            #expect(rc.newItems == 1 && rc.alerts.isEmpty)
            #expect(rd.alerts.map(\.topic) == ["gaza", "israel"])
            #expect(ra.alerts[0].story != rd.alerts[0].story)
            // The story lists all three sources.
            let row = Int64(try await store.count("SELECT id FROM stories WHERE key = '\(ra.alerts[0].story)'"))
            let sources = try await store.storySources(storyRowIDs: [row])
            #expect(sources[row]?.map(\.feedName) == ["Feed 1", "Feed 2", "Feed 3"])
            #expect(try await alertIDs(store).count == 4)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func titlesMoreThan48HoursApartAreDifferentStories(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in
            for n in 1...2 {
                _ = try await store.ingest(Kit.batch(feed: Kit.feed(n), at: Kit.at(hours: -1), items: []))
            }
            let title = "UN Security Council votes on Gaza ceasefire resolution"
            let r1 = try await store.ingest(
                Kit.batch(
                    feed: Kit.feed(1), at: Kit.at(hours: 0),
                    items: [Kit.item("1", title, link: "https://a.example/1", published: Kit.at(hours: 0))]))
            let r2 = try await store.ingest(
                Kit.batch(
                    feed: Kit.feed(2), at: Kit.at(hours: 49),
                    items: [Kit.item("2", title, link: "https://b.example/2", published: Kit.at(hours: 49))]))
            #expect(r1.alerts.count == 1 && r2.alerts.count == 1)
            #expect(r1.alerts[0].story != r2.alerts[0].story)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func titleIndexIsRebuiltFromTheDatabaseAfterReopen(backend: StoreBackend) async throws {
        try await backend.withPlace { kit in try await titleIndexIsRebuiltFromTheDatabaseAfterReopen(kit) }
    }

    private func titleIndexIsRebuiltFromTheDatabaseAfterReopen(_ kit: StorePlace) async throws {
        let title = "Hostage deal reached between Israel and Hamas in Gaza, Qatar says"
        do {
            let store = try await kit.open()
            for n in 1...2 {
                _ = try await store.ingest(Kit.batch(feed: Kit.feed(n), at: Kit.at(hours: -1), items: []))
            }
            #expect(
                try await store.ingest(
                    Kit.batch(
                        feed: Kit.feed(1), at: Kit.at(hours: 0),
                        items: [Kit.item("1", title, link: "https://a.example/1", published: Kit.at(hours: 0))])
                ).alerts.count == 2)
        }
        let store = try await kit.open()
        let r = try await store.ingest(
            Kit.batch(
                feed: Kit.feed(2), at: Kit.at(hours: 1),
                items: [
                    Kit.item(
                        "2", "Israel and Hamas reach hostage deal in Gaza, Qatar announces",
                        link: "https://b.example/2", published: Kit.at(hours: 1))
                ]))
        #expect(r.newItems == 1 && r.alerts.isEmpty)
        // A second store instance on the same file sees items the first one wrote.
        let other = try await kit.open()
        let r2 = try await other.ingest(
            Kit.batch(
                feed: Kit.feed(1), at: Kit.at(hours: 2),
                items: [
                    Kit.item(
                        "3", "Qatar says Israel, Hamas reach Gaza hostage deal",
                        link: "https://a.example/3", published: Kit.at(hours: 2))
                ]))
        #expect(r2.alerts.isEmpty)
    }

    /// Across backends too: a database moved from SQLite to PostgreSQL names its stories and alerts alike.
    @Test func storyAndAlertIdsAreStableAcrossFreshDatabases() async throws {
        var ids: [[String]] = []
        for backend in StoreBackend.allCases + StoreBackend.allCases {
            try await backend.withIngestStore { store in
                _ = try await store.ingest(Kit.batch(at: Kit.at(hours: -1), items: []))
                let r = try await store.ingest(
                    Kit.batch(
                        at: Kit.at(hours: 0),
                        items: [
                            Kit.item("1", "Gaza aid convoy", link: "https://feed1.example/1")
                        ]))
                ids.append(r.alerts.map(\.id) + r.alerts.map(\.story))
            }
        }
        #expect(ids.count == 4 && ids.allSatisfy { $0 == ids[0] } && !ids[0].isEmpty)
    }

    @Test(arguments: StoreBackend.allCases)
    func aPreparedBatchIngestsExactlyAsAnUnpreparedOne(backend: StoreBackend) async throws {
        var results: [[String]] = []
        for prepare in [false, true] {
            try await backend.withIngestStore { store in
                let old = Kit.item(
                    "o", "Gaza truce talks resume in Cairo", link: "https://w.example/t",
                    published: Kit.at(hours: -30))
                var first = Kit.batch(
                    at: Kit.at(hours: 0),
                    items: [
                        old,
                        Kit.item(
                            "n", "Israel recalls envoy",
                            link: "https://feed1.example/n", published: Kit.at(hours: -1)),
                    ])
                if prepare { first.prepare() }
                let r1 = try await store.ingest(first)
                var second = Kit.batch(
                    feed: Kit.feed(2), at: Kit.at(hours: 1),
                    items: [
                        Kit.item(
                            "x", "Gaza truce talks resume in Cairo", link: "https://w.example/t",
                            published: Kit.at(hours: 1)),
                        Kit.item("y", "Ceasefire in Gaza holds", published: Kit.at(hours: 1), summary: "Israel says"),
                    ])
                if prepare { second.prepare() }
                let r2 = try await store.ingest(second)
                let digest = try await store.matchedItems(firstSeenFrom: Kit.at(hours: -1), to: Kit.at(hours: 2))
                let alertLines: [String] = (r1.alerts + r2.alerts).map { "\($0.id) \($0.topic) \($0.terms)" }
                let digestLines: [String] = digest.map { "\($0.story) \($0.topic) \($0.terms) \($0.fields)" }
                results.append(alertLines + digestLines + ["\(r2.newItems)"])
            }
        }
        #expect(results[0] == results[1])
        // The old wire story was held back in feed 1's first fetch; feed 2's first fetch has a recent copy: alerts.
        #expect(results[1].contains { $0.hasSuffix(" gaza [\"gaza\"]") })
    }

    @Test(arguments: StoreBackend.allCases)
    func aMatcherThatNamesATopicTwiceStoresItOnce(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in
            var batch = Kit.batch(at: Kit.at(hours: 0), items: [Kit.item("1", "Gaza", published: Kit.at(hours: -1))])
            batch.items[0].matches = [
                TopicMatch(topicID: "gaza", terms: [MatchedTerm(term: "gaza", field: .title)]),
                TopicMatch(topicID: "israel", terms: [MatchedTerm(term: "israel", field: .summary)]),
                TopicMatch(topicID: "gaza", terms: [MatchedTerm(term: "Gaza Strip", field: .summary)]),
            ]
            let r = try await store.ingest(batch)
            #expect(r.alerts.map(\.topic).sorted() == ["gaza", "israel"])
            let digest = try await store.matchedItems(firstSeenFrom: Kit.at(hours: -1), to: Kit.at(hours: 1))
            #expect(digest.map(\.topic) == ["gaza", "israel"] && digest.first?.terms == ["gaza"])
        }
    }

    // MARK: Feed state committed with the items

    @Test(arguments: StoreBackend.allCases)
    func validatorsAndBodyHashCommitWithTheItems(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in
            _ = try await store.ingest(
                Kit.batch(
                    at: Kit.at(hours: 0), items: [Kit.item("1", "x")], etag: "\"v1\"",
                    bodyHash: "h1"))
            let state = try #require(try await store.feedState(key: Kit.feed(1).key))
            #expect(state.validators.etag == "\"v1\"" && state.bodyHash == "h1")
            #expect(state.firstSuccess == Kit.at(hours: 0) && state.lastSuccess == Kit.at(hours: 0))
            #expect(state.httpStatus == 200 && state.consecutiveFailures == 0 && state.error == nil)
            #expect(state.lastNewItem == Kit.at(hours: 0))
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aFailedIngestLeavesNoTrace(backend: StoreBackend) async throws {
        try await backend.withIngestStore { store in
            _ = try await store.ingest(Kit.batch(at: Kit.at(hours: -1), items: [], etag: "old"))
            // Make the write fail for real, after the feed row and before the item: SQLite through a read-only
            // store; PostgreSQL, whose text cannot hold a NUL, on the item's title.
            let failing: any IngestBackend
            let headline = "Gaza hospital loses power after night strike"
            var item = Kit.item("1", headline, link: "https://feed1.example/1")
            if let sqlite = store as? SQLiteStore {
                failing = try SQLiteStore(path: sqlite.path, options: .init(readOnly: true))
            } else {
                failing = store
                item.title = headline + "\u{0}"
            }
            await #expect(throws: StoreError.self) {
                try await failing.ingest(Kit.batch(at: Kit.at(hours: 0), items: [item], etag: "new"))
            }
            #expect(try await store.feedState(key: Kit.feed(1).key)?.validators.etag == "old")
            #expect(try await store.itemCounts()[Kit.feed(1).key] == 0)
            // Nor in the title index: the same headline in another feed starts its own story, and alerts.
            let copy = Kit.item("2", headline, link: "https://feed2.example/2", published: Kit.at(hours: 0.4))
            let r = try await store.ingest(Kit.batch(feed: Kit.feed(2), at: Kit.at(hours: 0.5), items: [copy]))
            #expect(r.newItems == 1 && r.alerts.map(\.topic) == ["gaza"])
        }
    }
}
