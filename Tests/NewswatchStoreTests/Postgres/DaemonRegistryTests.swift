import Foundation
import NewswatchTestSupport
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// The registry of daemons sharing a PostgreSQL store (CONTRACT §9), on a real PostgreSQL 15.
@Suite struct DaemonRegistryTests {
    @Test func registerHeartbeatListAndStop() async throws {
        let url = try PostgresCluster.makeDatabase()
        let a = try await PostgresStore(location: PostgresLocation(url: url))
        let b = try await PostgresStore(location: PostgresLocation(url: url))
        let t = Kit.at(hours: 0)
        try await a.syncFeeds((1...4).map(Kit.feed), at: t)
        try await a.registerDaemon(owner: "a-1", hostName: "alpha", pid: 101, version: "0.1.0", at: t)
        try await b.registerDaemon(owner: "b-1", hostName: "beta", pid: 202, version: "0.1.0", at: t)
        let held = try await a.claimDueFeeds(owner: "a-1", now: t, lease: 120, limit: 3)
        #expect(held.count == 3)
        #expect(try await b.heartbeat(owner: "b-1", at: t.addingTimeInterval(30)))
        #expect(try await b.heartbeat(owner: "nobody", at: t.addingTimeInterval(30)) == false)

        let listed = try await b.daemons(at: t.addingTimeInterval(60))
        #expect(
            listed == [
                DaemonRecord(
                    owner: "a-1", hostName: "alpha", pid: 101, started: t, lastHeartbeat: t, version: "0.1.0",
                    feedsHeld: held.map(\.key)),
                DaemonRecord(
                    owner: "b-1", hostName: "beta", pid: 202, started: t, lastHeartbeat: t.addingTimeInterval(30),
                    version: "0.1.0"),
            ])
        // Expired leases are not held any more.
        #expect(try await b.daemons(at: t.addingTimeInterval(120)).first?.feedsHeld == [])

        // A clean stop gives the leases back at once: b claims them before they would expire.
        #expect(try await a.unregisterDaemon(owner: "a-1"))
        #expect(try await a.unregisterDaemon(owner: "a-1") == false)
        #expect(try await b.daemons(at: t.addingTimeInterval(60)).map(\.owner) == ["b-1"])
        let taken = try await b.claimDueFeeds(owner: "b-1", now: t.addingTimeInterval(60), lease: 120, limit: 10)
        #expect(Set(taken.map(\.key)) == Set((1...4).map { Kit.feed($0).key }))
        await a.close()
        await b.close()
    }

    @Test func aRestartReplacesItsRowAndTheLeaderDropsSilentDaemons() async throws {
        let store = try await PostgresStore(location: PostgresLocation(url: try PostgresCluster.makeDatabase()))
        let t = Kit.at(hours: 0)
        try await store.registerDaemon(owner: "old", hostName: "h1", pid: 1, version: "0.1.0", at: t)
        try await store.registerDaemon(owner: "live", hostName: "h2", pid: 2, version: "0.1.0", at: t)
        try await store.registerDaemon(
            owner: "live", hostName: "h2", pid: 3, version: "0.2.0", at: t.addingTimeInterval(10))
        let later = t.addingTimeInterval(86400 + 5)
        #expect(try await store.heartbeat(owner: "live", at: later))
        // "old" was last heard of more than a day ago: dropped; "live" stays.
        #expect(try await store.dropSilentDaemons(at: later.addingTimeInterval(10)) == ["old"])
        let left = try await store.daemons(at: later)
        #expect(left.count == 1)
        #expect(left.first?.pid == 3 && left.first?.version == "0.2.0")
        #expect(left.first?.started == t.addingTimeInterval(10) && left.first?.lastHeartbeat == later)
        // A dropped daemon learns it from its heartbeat and registers again.
        #expect(try await store.heartbeat(owner: "old", at: later) == false)
        #expect(try await store.dropSilentDaemons(at: later, silence: 3600).isEmpty)
        await store.close()
    }

    @Test func daemonsRegisteringAtOnceAreAllListed() async throws {
        let url = try PostgresCluster.makeDatabase()
        var stores: [PostgresStore] = []
        for _ in 0..<4 { stores.append(try await PostgresStore(location: PostgresLocation(url: url))) }
        let t = Kit.at(hours: 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (i, store) in stores.enumerated() {
                group.addTask {
                    for round in 0..<10 {
                        try await store.registerDaemon(
                            owner: "d\(i)", hostName: "host\(i)", pid: i, version: "v", at: t)
                        try await store.heartbeat(owner: "d\(i)", at: t.addingTimeInterval(Double(round)))
                    }
                }
            }
            try await group.waitForAll()
        }
        let listed = try await stores[0].daemons(at: t)
        #expect(listed.map(\.owner) == ["d0", "d1", "d2", "d3"])
        #expect(listed.allSatisfy { $0.lastHeartbeat == t.addingTimeInterval(9) })
        for store in stores { await store.close() }
    }
}
