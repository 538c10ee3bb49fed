import Foundation
import NewswatchTestSupport
import Testing

@testable import NewswatchStore

/// One leader among daemons (a session advisory lock on a dedicated connection), on a real PostgreSQL 15.
@Suite struct LeaderLockTests {
    static let retry = Duration.milliseconds(500)

    /// Polls `condition` every 50 ms for at most `limit`; whether it became true.
    static func eventually(within limit: Duration, _ condition: () async throws -> Bool) async rethrows -> Bool {
        let clock = ContinuousClock()
        let end = clock.now + limit
        while clock.now < end {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    /// Ends the leader's session from outside, as a crash of its machine or a network cut would.
    static func terminate(_ lock: LeaderLock, via store: PostgresStore) async throws {
        let pid = try #require(try await lock.backendPID())
        let rows = try await store.rows("SELECT pg_terminate_backend(\(pid))", "terminate")
        #expect(try rows.first?.decode(Bool.self) == true)
    }

    @Test func twoContendersOneLeadsAndAKilledLeadersLockPasses() async throws {
        let url = try PostgresCluster.makeDatabase()
        let location = try PostgresLocation(url: url)
        let admin = try await PostgresStore(location: location)
        let a = LeaderLock(location: location, retryInterval: Self.retry)
        let b = LeaderLock(location: location, retryInterval: Self.retry)
        #expect(await a.attempt())
        let contender = Task { await b.run() }
        // b keeps trying and never leads while a's session lives.
        try await Task.sleep(for: Self.retry * 3)
        #expect(await b.isLeader == false)
        #expect(await a.attempt())  // a's check: still leading
        // a's session dies (a does nothing more, like a killed process): the server releases the lock, b takes it
        // within its retry interval, and a knows it lost.
        try await Self.terminate(a, via: admin)
        let start = ContinuousClock.now
        #expect(await Self.eventually(within: Self.retry * 4) { await b.isLeader })
        #expect(ContinuousClock.now - start < Self.retry * 4)
        #expect(await Self.eventually(within: .seconds(2)) { await a.isLeader == false })
        // a comes back: it reconnects, but b leads.
        #expect(await a.attempt() == false)
        #expect(await b.isLeader)
        contender.cancel()
        await contender.value
        // b's run ended by resigning: a leads at its next attempt.
        #expect(await b.isLeader == false)
        #expect(await a.attempt())
        await a.resign()
        await admin.close()
    }

    @Test func manyContendersAtOnceExactlyOneLeadsAndAResignationPasses() async throws {
        let location = try PostgresLocation(url: try PostgresCluster.makeDatabase())
        let locks = (0..<5).map { _ in LeaderLock(location: location, retryInterval: Self.retry) }
        let runs = locks.map { lock in Task { await lock.run() } }
        #expect(await Self.eventually(within: .seconds(5)) { await Self.leaders(locks).count == 1 })
        // Stays one over several intervals.
        for _ in 0..<6 {
            try await Task.sleep(for: Self.retry / 2)
            #expect(await Self.leaders(locks).count == 1)
        }
        let first = try #require(await Self.leaders(locks).first)
        runs[first].cancel()
        await runs[first].value
        #expect(
            await Self.eventually(within: Self.retry * 4) {
                let now = await Self.leaders(locks)
                return now.count == 1 && now != [first]
            })
        for run in runs { run.cancel() }
        for run in runs { await run.value }
        #expect(await Self.leaders(locks).isEmpty)
    }

    /// A daemon that stops hands over at once: when `resign()` returns, the server holds no lock for it, so a
    /// successor's very next attempt leads. A close alone frees the lock only once the server process has ended its
    /// session; here each leader's session is slow to end (`makeSlowToEnd`), as on a loaded server.
    @Test func aResignationHasReleasedTheLockWhenItReturns() async throws {
        let location = try PostgresLocation(url: try PostgresCluster.makeDatabase())
        let admin = try await PostgresStore(location: location)
        let a = LeaderLock(location: location, retryInterval: Self.retry)
        let b = LeaderLock(location: location, retryInterval: Self.retry)
        for round in 0..<4 {
            let (leader, successor) = round % 2 == 0 ? (a, b) : (b, a)
            #expect(await leader.attempt())
            try await Self.makeSlowToEnd(leader)
            await leader.resign()
            #expect(try await Self.advisoryLocks(admin) == 0, "round \(round)")
            #expect(await successor.attempt(), "round \(round)")
            await successor.resign()
        }
        await admin.close()
    }

    /// The same when the daemon stops: `run()`'s task is cancelled, and it resigns from there.
    @Test func aStoppedRunHasReleasedTheLockWhenItEnds() async throws {
        let location = try PostgresLocation(url: try PostgresCluster.makeDatabase())
        let admin = try await PostgresStore(location: location)
        let lock = LeaderLock(location: location, retryInterval: Self.retry)
        let running = Task { await lock.run() }
        #expect(await Self.eventually(within: .seconds(5)) { await lock.isLeader })
        try await Self.makeSlowToEnd(lock)
        running.cancel()
        await running.value
        #expect(await lock.isLeader == false)
        #expect(try await Self.advisoryLocks(admin) == 0)
        await admin.close()
    }

    /// Gives the lock's session 400 temporary tables, which the server drops when the session ends and before it
    /// releases the session's locks: a close alone then leaves the lock held for a while.
    static func makeSlowToEnd(_ lock: LeaderLock) async throws {
        try await lock.executeForTesting(
            "DO $$ BEGIN FOR i IN 1..400 LOOP EXECUTE format('CREATE TEMP TABLE t%s (x int)', i); END LOOP; END $$")
    }

    /// Advisory locks held in this test's database (other tests' databases on the cluster hold their own).
    static func advisoryLocks(_ store: PostgresStore) async throws -> Int {
        let rows = try await store.rows(
            """
            SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """, "locks")
        return try rows.first?.decode(Int.self) ?? -1
    }

    @Test func anUnreachableServerMeansNotLeading() async throws {
        // A port nobody listens on: the attempt fails quietly and the lock does not lead.
        let lock = LeaderLock(
            location: PostgresLocation(user: "postgres", host: "127.0.0.1", port: 1, database: "none"),
            retryInterval: Self.retry)
        #expect(await lock.attempt() == false)
        #expect(await lock.isLeader == false)
        await lock.resign()
    }

    static func leaders(_ locks: [LeaderLock]) async -> [Int] {
        var leading: [Int] = []
        for (i, lock) in locks.enumerated() {
            if await lock.isLeader { leading.append(i) }
        }
        return leading
    }
}
