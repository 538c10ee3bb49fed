import Foundation
import Logging
import NewswatchConfig
import NewswatchCore
import NewswatchDaemon
import NewswatchStore
import NewswatchSystem
import NewswatchTestSupport
import Testing

/// The shared loop (several daemons on PostgreSQL) does not spin on feeds that are due but that it cannot claim: here
/// a feed another daemon's config has and this one's lacks (a rolling config change). The daemon hands it back and
/// leaves it out of its claims; before, the store's due time for it ("now") woke the loop every 50 ms for a claim
/// that found nothing, for as long as the feed stayed due (review 7b finding 1).
@Suite struct SharedLoopIdleTests {
    /// A lease store that counts the claims made through it.
    struct CountingLeases: FeedLeaseStore {
        let base: any FeedLeaseStore
        let claims = Locked(0)

        func claimDueFeeds(
            owner: String, now: Date, lease: TimeInterval, limit: Int, excluding: [String]
        ) async throws -> [FeedLease] {
            claims.withLock { $0 += 1 }
            return try await base.claimDueFeeds(
                owner: owner, now: now, lease: lease, limit: limit, excluding: excluding)
        }

        func releaseLease(key: String, owner: String) async throws -> Bool {
            try await base.releaseLease(key: key, owner: owner)
        }

        func nextDueTime(at now: Date) async throws -> Date? { try await base.nextDueTime(at: now) }
    }

    @Test func aFeedThisDaemonDoesNotKnowDoesNotMakeItSpin() async throws {
        let server = try LoopbackHTTPServer.start { _ in
            .ok(
                "<rss version=\"2.0\"><channel><title>Wire</title><item><title>Rafah</title>"
                    + "<link>https://wire.example/1</link></item></channel></rss>")
        }
        defer { server.stop() }
        let dir = try TemporaryDirectory(prefix: "newswatch-shared-idle")
        defer { dir.remove() }
        let file = try dir.write(
            "newswatch.toml",
            """
            [daemon]
            state_dir = "state"
            allow_private_networks = true

            [[feeds]]
            url = "\(server.url("/a.xml"))"

            [[topics]]
            id = "gaza"
            query = 'Gaza'
            """)
        let plan = try DaemonPlan(config: try ConfigLoader.load(file: file).config)
        let store = try await PostgresStore(location: PostgresLocation(url: try PostgresCluster.makeDatabase()))
        var logger = Logger(label: "newswatch-test")
        logger.logLevel = .critical
        let daemon = try Daemon(plan: plan, store: store, logger: logger)
        let leases = CountingLeases(base: store)
        let loop = Task { try await daemon.runShared(leases: leases, owner: "b", lease: 60, maxSleep: 1) }
        #expect(await server.waitForRequests(1, timeout: 30), "the daemon never polled its feed")

        // Another daemon, started with a newer config, adds a feed this one does not know: due at once.
        let other = FeedDescriptor(key: "https://other.example/f.xml", name: "F", url: "https://other.example/f.xml")
        try await store.syncFeeds(plan.targets.map(\.descriptor) + [other], at: Date())
        try await Task.sleep(for: .seconds(2))  // claimed, handed back, left out from then on
        let before = leases.claims.withLock { $0 }
        try await Task.sleep(for: .seconds(2))
        let during = leases.claims.withLock { $0 } - before
        #expect(during <= 6, "\(during) claims in 2 s while nothing could be claimed")
        #expect(try await store.feedState(key: other.key)?.lastFetch == nil, "it polled a feed it does not know")

        loop.cancel()
        _ = try? await loop.value
        await daemon.shutdown()
        await store.close()
    }
}
