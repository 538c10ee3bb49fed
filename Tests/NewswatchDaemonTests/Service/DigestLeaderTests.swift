import Foundation
import Logging
import NewswatchConfig
import NewswatchCore
import NewswatchDigest
import NewswatchStore
import NewswatchTestSupport
import Testing

@testable import NewswatchDaemon

/// On a shared PostgreSQL store only the leader writes digests (CONTRACT §9): two daemons' digest services over one
/// database, each with its own output folder; the one holding the leader lock writes the missed digests, the other
/// none; when the leader resigns, the other takes over.
@Suite struct DigestLeaderTests {
    @Test func onlyTheLeaderWritesAndTheOtherTakesOver() async throws {
        let url = try PostgresCluster.makeDatabase()
        let location = try PostgresLocation(url: url)
        let store = try await PostgresStore(location: location)
        // A feed first fetched three days ago: a fresh daemon owes the digests of the days since.
        let now = Date()
        let then = now.addingTimeInterval(-3 * 86400)
        let feed = FeedDescriptor(key: "https://wire.example/rss", name: "Wire", url: "https://wire.example/rss")
        try await store.syncFeeds([feed], at: then)
        _ = try await store.ingest(
            IngestBatch(
                feed: feed, fetchedAt: then, httpStatus: 200, bodyHash: nil,
                items: [ParsedItem(id: "1", title: "Ceasefire talks", link: "https://wire.example/1", published: then)],
                topics: [], sinks: [.file], backfill: 6 * 3600, matcher: { _ in [] }))
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        func service(_ name: String, _ leader: LeaderLock) -> (DigestService, URL) {
            let out = dir.file(name)
            let config = NewswatchConfig(origin: .embedded, daemon: DaemonSettings(stateDirectory: out))
            let publisher = DigestPublisher(config: config, store: store, logger: Logger(label: "test"))
            return (DigestService(publisher: publisher, clock: SystemClock(), leader: leader), out)
        }
        let firstLock = LeaderLock(location: location, retryInterval: .milliseconds(200))
        let secondLock = LeaderLock(location: location, retryInterval: .milliseconds(200))
        #expect(await firstLock.attempt())
        let (first, firstOut) = service("first", firstLock)
        let (second, secondOut) = service("second", secondLock)
        let running = [Task { await first.run() }, Task { await second.run() }]
        let contending = Task { await secondLock.run() }

        func digests(_ out: URL) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("digests").path)) ?? [])
                .filter { $0.hasSuffix(".md") }
        }
        var waited = 0
        while digests(firstOut).isEmpty && waited < 100 {
            try await Task.sleep(for: .milliseconds(100))
            waited += 1
        }
        #expect(!digests(firstOut).isEmpty, "the leader wrote no digest")
        try await Task.sleep(for: .seconds(3))
        #expect(digests(secondOut).isEmpty, "a daemon that does not lead wrote \(digests(secondOut))")

        // The leader goes: the other takes the lock and catches up in its own folder.
        await firstLock.resign()
        running[0].cancel()
        waited = 0
        while digests(secondOut).isEmpty && waited < 150 {
            try await Task.sleep(for: .milliseconds(100))
            waited += 1
        }
        #expect(await secondLock.isLeader)
        #expect(!digests(secondOut).isEmpty, "the new leader wrote no digest")
        for task in running { task.cancel() }
        contending.cancel()
        await contending.value
        await store.close()
    }
}
