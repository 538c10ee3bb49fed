import Foundation
import NewswatchSystem
import NewswatchTestSupport
import Testing

@testable import NewswatchStore

#if canImport(Glibc)
    import Glibc
#endif

/// `run --once` and running daemons on one PostgreSQL store never poll the same feed in one interval (CONTRACT §9),
/// whatever their clocks say: the server's presence lock decides, seen from outside with the built binary.
@Suite struct PostgresRunOnceExclusionTests {
    /// A config in its own folder (its own state and output) on the shared store `url`.
    static func config(_ server: LoopbackHTTPServer, store url: String) throws -> (TemporaryDirectory, URL) {
        let dir = try TemporaryDirectory()
        return (dir, try PostgresRunTests.config(dir, server, store: url))
    }

    /// A daemon whose clock is years behind looks silent to anyone comparing heartbeats with their own clock; it
    /// still runs and polls, so `run --once` must refuse, and poll nothing.
    @Test func runOnceRefusesBesideARunningDaemonWhateverItsClock() async throws {
        let server = try LoopbackHTTPServer.start { _ in .ok(StoreMigrateCommandTests.feed) }
        defer { server.stop() }
        let url = try PostgresCluster.makeDatabase()
        let (daemonDir, daemonConfig) = try Self.config(server, store: url)
        defer { daemonDir.remove() }
        let (onceDir, onceConfig) = try Self.config(server, store: url)
        defer { onceDir.remove() }

        let daemon = try DaemonProcess(
            ["run", "--config", daemonConfig.path], logFile: daemonDir.file("daemon.log"),
            environment: ["NEWSWATCH_TEST_NOW": "2020-01-01T00:00:00Z"])
        defer { daemon.send(SIGKILL) }
        #expect(await server.waitForRequests(1, timeout: 30), "the daemon never polled: \(daemon.log)")

        let refused = try NewswatchBinary.run(["run", "--once", "--config", onceConfig.path], timeout: 60)
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("poll this store"), "\(refused.stderr)")
        #expect(server.requests.count == 1, "run --once polled beside the daemon")
        #expect(try PostgresRunTests.alertLines(onceDir).isEmpty)

        // Stopped, the daemon leaves the store to a round.
        daemon.send(SIGTERM)
        #expect(await daemon.waitForExit(timeout: 30))
        // A stop is not a store failure: nothing cut short by it is logged as an error.
        #expect(!daemon.log.contains("CancellationError"), "\(daemon.log)")
        let ran = try NewswatchBinary.run(["run", "--once", "--config", onceConfig.path], timeout: 60)
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(server.requests.count == 2)
    }

    /// A daemon started while `run --once` polls claims nothing until the round ends, and then finds the feed
    /// polled (its next due time recorded by the round): the feed is fetched once. The round's response is held back
    /// until the daemon has said it is kept out (so a slow start of the daemon cannot let the round end first).
    @Test func aDaemonStartedDuringARoundWaitsForIt() async throws {
        let keptOut = Locked(false)
        let server = try LoopbackHTTPServer.start { _ in
            let deadline = Date().addingTimeInterval(60)
            while !keptOut.withLock({ $0 }) && Date() < deadline { usleep(20_000) }
            return .ok(StoreMigrateCommandTests.feed)
        }
        defer { server.stop() }
        let url = try PostgresCluster.makeDatabase()
        let (onceDir, onceConfig) = try Self.config(server, store: url)
        defer { onceDir.remove() }
        let (daemonDir, daemonConfig) = try Self.config(server, store: url)
        defer { daemonDir.remove() }

        let once = try DaemonProcess(
            ["run", "--once", "--config", onceConfig.path], logFile: onceDir.file("once.log"))
        defer { once.send(SIGKILL) }
        #expect(await server.waitForRequests(1, timeout: 30), "the round never polled: \(once.log)")
        let daemon = try DaemonProcess(["run", "--config", daemonConfig.path], logFile: daemonDir.file("daemon.log"))
        defer { daemon.send(SIGKILL) }
        #expect(await Self.eventually(within: 60) { daemon.log.contains("a run --once is polling this store") })
        #expect(daemon.log.contains("newswatch run --once"), "the round is not named: \(daemon.log)")
        // `status` names the round that keeps the daemons out.
        let status = try NewswatchBinary.run(["status", "--config", daemonConfig.path], timeout: 60)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("store held by newswatch run --once "), "\(status.stdout)")
        #expect(status.stdout.contains("daemons claim no feed until it ends"), "\(status.stdout)")
        keptOut.withLock { $0 = true }

        #expect(await once.waitForExit(timeout: 60))
        #expect(once.status == 0, "\(once.log)")
        #expect(
            await Self.eventually(within: 30) { daemon.log.contains("claiming feeds again") }, "\(daemon.log)")
        // Nothing due: whatever the daemon does next, it does not fetch the feed again within its interval.
        try await Task.sleep(for: .seconds(2))
        #expect(server.requests.count == 1, "the feed was polled twice in one interval: \(daemon.log)")
        #expect(try PostgresRunTests.alertLines(onceDir).count == 1)
        #expect(try PostgresRunTests.alertLines(daemonDir).isEmpty)
        let after = try NewswatchBinary.run(["status", "--json", "--config", daemonConfig.path], timeout: 60)
        #expect(after.stdout.contains(#""run_once": []"#), "\(after.stdout)")
        #expect(!after.stdout.contains("newswatch run --once"), "\(after.stdout)")
        daemon.send(SIGTERM)
        #expect(await daemon.waitForExit(timeout: 30))
    }

    /// A daemon killed mid-poll (or cut off from the database) leaves its lease to run out; its poll may still be
    /// under way, so a round waits for the lease to end before it polls that feed again.
    @Test func aRoundWaitsForPollsStillUnderLease() async throws {
        let server = try LoopbackHTTPServer.start { _ in .ok(StoreMigrateCommandTests.feed) }
        defer { server.stop() }
        let url = try PostgresCluster.makeDatabase()
        let (dir, config) = try Self.config(server, store: url)
        defer { dir.remove() }
        #expect(try NewswatchBinary.run(["run", "--once", "--config", config.path], timeout: 60).status == 0)

        let store = try await PostgresStore(location: try PostgresLocation(url: url))
        let until = Date().addingTimeInterval(4)
        _ = try await store.rows(
            "UPDATE feeds SET lease_owner = 'killed-daemon', lease_until = \(until.storeSeconds)", "lease")
        await store.close()
        let round = try NewswatchBinary.run(["run", "--once", "--config", config.path], timeout: 60)
        #expect(round.status == 0, "\(round.stderr)")
        #expect(round.stderr.contains("waiting for 1 feed poll(s) under lease by killed-daemon"), "\(round.stderr)")
        let second = try #require(server.requests.dropFirst().first)
        let polledAt = Date().addingTimeInterval(second.receivedAt - LoopbackHTTPServer.now())
        #expect(polledAt >= until.addingTimeInterval(-1), "polled \(until.timeIntervalSince(polledAt)) s early")
    }

    /// Polls `condition` every 50 ms for at most `seconds`; whether it became true.
    static func eventually(within seconds: TimeInterval, _ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() && Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        return condition()
    }
}
