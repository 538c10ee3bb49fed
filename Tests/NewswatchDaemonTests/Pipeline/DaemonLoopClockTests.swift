import Foundation
import Logging
import NewswatchConfig
import NewswatchCore
import NewswatchDaemon
import NewswatchStore
import NewswatchTestSupport
import Testing

/// `Daemon.run` driven by a `ManualClock`: a real `SQLiteStore` in a temp dir, real fetches from loopback servers,
/// and time that moves only when the test says so — so due times, backoff and Retry-After are checked exactly,
/// without waiting for them (issue 5 item 7, CONTRACT §6).
@Suite struct DaemonLoopClockTests {
    static let t0 = Timestamp.date(year: 2026, month: 11, day: 24, hour: 18)

    /// Counts loop wake-ups (the heartbeat `Daemon.run` calls on every event).
    final class Beats: @unchecked Sendable {
        // Owner: `lock` guards `count`.
        private let lock = NSLock()
        private var count = 0
        func beat() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }

    /// One daemon loop on a manual clock, with the store it writes.
    final class Loop: Sendable {
        let dir: TemporaryDirectory
        let clock = ManualClock(start: DaemonLoopClockTests.t0)
        let store: SQLiteStore
        let daemon: Daemon
        let beats = Beats()
        /// Feed keys by configured name.
        let keys: [String: String]
        private let task: Task<Void, Error>

        /// Starts `Daemon.run` over `feeds` (TOML `[[feeds]]` entries) with a 60 s default interval.
        init(feeds: String, policy: SchedulerPolicy = SchedulerPolicy(), maxSleep: TimeInterval = 5) throws {
            dir = try TemporaryDirectory(prefix: "newswatch-loop")
            let file = try dir.write(
                "newswatch.toml",
                """
                [daemon]
                state_dir = "state"
                allow_private_networks = true
                interval = "60s"
                connect_timeout = "5s"
                timeout = "10s"

                \(feeds)

                [[topics]]
                id = "gaza"
                query = 'Gaza'
                """)
            let config = try ConfigLoader.load(file: file).config
            try FileManager.default.createDirectory(at: config.daemon.stateDirectory, withIntermediateDirectories: true)
            store = try SQLiteStore(path: config.daemon.stateDirectory.appendingPathComponent("test.sqlite").path)
            var logger = Logger(label: "newswatch-test")
            logger.logLevel = .critical
            let plan = try DaemonPlan(config: config)
            keys = Dictionary(uniqueKeysWithValues: plan.targets.map { ($0.descriptor.name, $0.descriptor.key) })
            daemon = try Daemon(plan: plan, store: store, clock: clock, logger: logger, policy: policy)
            let daemon = self.daemon
            let beats = self.beats
            task = Task { try await daemon.run(heartbeat: { beats.beat() }, maxSleep: maxSleep) }
        }

        /// Waits until the loop has scheduled every feed and sleeps on the clock: only then may the test move time
        /// (a loop that starts after the clock moved would schedule from the later time).
        func started() async throws -> Loop {
            try await wait("the loop starts") { beats.value >= 1 && clock.sleeperCount >= 1 }
            return self
        }

        func stop() async {
            task.cancel()
            _ = try? await task.value
            await daemon.shutdown()
            dir.remove()
        }

        func state(_ key: String) throws -> FeedState {
            try #require(try store.feedState(key: key))
        }

        /// Waits (bounded, real time) until `condition` holds.
        func wait(
            _ what: String, timeout: TimeInterval = 15, sourceLocation: SourceLocation = #_sourceLocation,
            _ condition: () throws -> Bool
        ) async throws {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if try condition() { return }
                try await Task.sleep(nanoseconds: 5_000_000)
            }
            if try condition() { return }
            Issue.record("timed out waiting until \(what)", sourceLocation: sourceLocation)
            throw CancellationError()
        }

        /// Waits until the loop is idle: every feed has been fetched and rescheduled into the future, and the loop
        /// sleeps on the clock.
        ///
        /// The store keeps whole seconds (a due time of 12.7 s is stored as 12 s), and the tests only ever move the
        /// clock to whole seconds, one past a stored due time; so a stored due time at or after now is a future
        /// one, and one before now is a poll still owed.
        func settle(_ keys: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws {
            try await wait("the loop settles", sourceLocation: sourceLocation) {
                let now = clock.now()
                let states = try keys.map { try store.feedState(key: $0) }
                return clock.sleeperCount >= 1
                    && states.allSatisfy { s in s?.lastFetch != nil && (s?.schedule.nextDue).map { $0 >= now } == true }
            }
        }

        /// Moves the clock to `date` and waits until the loop has woken for it.
        func advance(to date: Date) async throws {
            let before = beats.value
            clock.advance(by: date.timeIntervalSince(clock.now()))
            try await wait("the loop wakes") { beats.value > before }
        }

        /// Moves the clock to `date`, waits until the loop woke, and a moment longer; for "nothing happens" checks.
        func advanceQuietly(to date: Date) async throws {
            try await advance(to: date)
            try await Task.sleep(nanoseconds: 200_000_000)
        }
    }

    static func rss(_ title: String) -> String {
        """
        <?xml version="1.0"?><rss version="2.0"><channel><title>\(title)</title>
        <item><title>Weather in \(title)</title><link>https://example.org/\(title)</link><guid>\(title)-1</guid></item>
        </channel></rss>
        """
    }

    /// A feed that answers with a fixed document and honours `If-None-Match`.
    static func staticFeed(_ title: String) -> @Sendable (LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response {
        { request in
            let etag = "\"\(title)-v1\""
            if request.header("If-None-Match") == etag { return .notModified(etag: etag) }
            return .ok(rss(title), headers: [("ETag", etag)])
        }
    }

    /// `seconds` after `date`, within ±`fraction` jitter and the store's one-second resolution.
    static func expectGap(
        _ due: Date?, after fetched: Date?, is seconds: Double, jitter fraction: Double = 0.1,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let due, let fetched else {
            Issue.record("no due or fetch time", sourceLocation: sourceLocation)
            return
        }
        let gap = due.timeIntervalSince(fetched)
        #expect(
            gap >= seconds * (1 - fraction) - 1 && gap <= seconds * (1 + fraction) + 1,
            "gap \(gap)s, expected \(seconds)s ± \(Int(fraction * 100))%", sourceLocation: sourceLocation)
    }

    // MARK: - Due times

    @Test func feedsFireAtTheirDueTimesAndNotBefore() async throws {
        let server = try LoopbackHTTPServer.start { request in
            Self.staticFeed(request.path == "/fast.xml" ? "fast" : "slow")(request)
        }
        defer { server.stop() }
        let fast = "fast"
        let slow = "slow"
        let loop = try await Loop(
            feeds: """
                [[feeds]]
                url = "\(server.url("/fast.xml"))"
                name = "\(fast)"

                [[feeds]]
                url = "\(server.url("/slow.xml"))"
                name = "\(slow)"
                interval = "5m"
                """
        ).started()
        let fastKey = try #require(loop.keys[fast])
        let slowKey = try #require(loop.keys[slow])
        let keys = [fastKey, slowKey]
        let count = { (path: String) in server.requests(for: path).count }
        do {
            try await loop.advance(to: Self.t0.addingTimeInterval(30))
            try await loop.wait("both feeds are fetched") { count("/fast.xml") == 1 && count("/slow.xml") == 1 }
            try await loop.settle(keys)

            var f = try loop.state(fastKey)
            let s = try loop.state(slowKey)
            Self.expectGap(f.schedule.nextDue, after: f.lastFetch, is: 60)
            Self.expectGap(s.schedule.nextDue, after: s.lastFetch, is: 300)
            let slowDue = try #require(s.schedule.nextDue)

            // Three rounds of the fast feed: not a second early, and fetched once due; the slow one waits.
            for round in 2...4 {
                let due = try #require(f.schedule.nextDue)
                try await loop.advanceQuietly(to: due.addingTimeInterval(-1))
                #expect(count("/fast.xml") == round - 1, "fetched before it was due")
                try await loop.advance(to: due.addingTimeInterval(1))
                try await loop.wait("the fast feed is fetched again") { count("/fast.xml") == round }
                try await loop.settle(keys)
                f = try loop.state(fastKey)
                Self.expectGap(f.schedule.nextDue, after: f.lastFetch, is: 60)
                #expect(count("/slow.xml") == 1)
            }
            // Conditional GET: the repeat fetches sent the validator back and got 304.
            #expect(server.requests(for: "/fast.xml").dropFirst().allSatisfy { $0.header("If-None-Match") != nil })
            #expect(f.httpStatus == 304 && f.consecutiveFailures == 0)

            try await loop.advanceQuietly(to: slowDue.addingTimeInterval(-1))
            #expect(count("/slow.xml") == 1, "the slow feed was fetched before its due time")
            try await loop.advance(to: slowDue.addingTimeInterval(1))
            try await loop.wait("the slow feed is fetched again") { count("/slow.xml") == 2 }
        } catch {
            await loop.stop()
            throw error
        }
        await loop.stop()
    }

    // MARK: - Backoff

    @Test func failingFeedBacksOffWithGrowingDelaysUpToTheCapWhileAHealthyOneKeepsItsInterval() async throws {
        let server = try LoopbackHTTPServer.start { request in
            request.path == "/broken.xml" ? .status(500) : Self.staticFeed("healthy")(request)
        }
        defer { server.stop() }
        let policy = SchedulerPolicy(maximumBackoff: 300)
        let loop = try await Loop(
            feeds: """
                [[feeds]]
                url = "\(server.url("/broken.xml"))"
                name = "broken"

                [[feeds]]
                url = "\(server.url("/healthy.xml"))"
                name = "healthy"
                """, policy: policy
        ).started()
        let broken = try #require(loop.keys["broken"])
        let healthy = try #require(loop.keys["healthy"])
        do {
            try await loop.advance(to: Self.t0.addingTimeInterval(10))
            var gaps: [Double] = []
            for failures in 1...6 {
                try await loop.wait("failure \(failures) is recorded") {
                    let recorded = try loop.state(broken).consecutiveFailures
                    return server.requests(for: "/broken.xml").count == failures && recorded == failures
                }
                try await loop.settle([broken, healthy])
                let b = try loop.state(broken)
                #expect(b.httpStatus == 500)
                // interval × 2^(failures−1), capped at 300 s: 60, 120, 240, 300, 300, 300.
                let expected = policy.backoff(interval: 60, failures: failures)
                #expect(expected == min(300, 60 * pow(2, Double(failures - 1))))
                Self.expectGap(b.schedule.nextDue, after: b.lastFetch, is: expected)
                let h = try loop.state(healthy)
                Self.expectGap(h.schedule.nextDue, after: h.lastFetch, is: 60)
                #expect(h.consecutiveFailures == 0)

                let due = try #require(b.schedule.nextDue)
                gaps.append(due.timeIntervalSince(try #require(b.lastFetch)))
                // Walk the clock to the failing feed's due time through the healthy feed's rounds.
                while let hDue = try loop.state(healthy).schedule.nextDue, hDue < due.addingTimeInterval(-1) {
                    let n = server.requests(for: "/healthy.xml").count
                    try await loop.advance(to: hDue.addingTimeInterval(1))
                    try await loop.wait("the healthy feed is fetched") {
                        server.requests(for: "/healthy.xml").count > n
                    }
                    try await loop.settle([broken, healthy])
                    #expect(server.requests(for: "/broken.xml").count == failures, "retried before its backoff")
                }
                if failures < 6 { try await loop.advance(to: due.addingTimeInterval(1)) }
            }
            #expect(gaps[0] < gaps[1] && gaps[1] < gaps[2] && gaps[2] < gaps[3], "\(gaps)")
            // Over the same time the healthy feed was fetched far more often.
            #expect(server.requests(for: "/healthy.xml").count > 2 * server.requests(for: "/broken.xml").count)
        } catch {
            await loop.stop()
            throw error
        }
        await loop.stop()
    }

    // MARK: - Retry-After

    @Test func retryAfterIsHonouredInSecondsAndAsAnHTTPDate() async throws {
        let askedDate = Self.t0.addingTimeInterval(1800)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let httpDate = formatter.string(from: askedDate)
        let server = try LoopbackHTTPServer.start { request in
            switch request.path {
            case "/busy.xml": .status(503, headers: [("Retry-After", "900")])
            case "/limited.xml": .status(429, headers: [("Retry-After", httpDate)])
            default: .status(404)
            }
        }
        defer { server.stop() }
        let loop = try await Loop(
            feeds: """
                [[feeds]]
                url = "\(server.url("/busy.xml"))"
                name = "busy"

                [[feeds]]
                url = "\(server.url("/limited.xml"))"
                name = "limited"
                """
        ).started()
        let busy = try #require(loop.keys["busy"])
        let limited = try #require(loop.keys["limited"])
        do {
            try await loop.advance(to: Self.t0.addingTimeInterval(10))
            try await loop.wait("both feeds fail once") {
                server.requests(for: "/busy.xml").count == 1 && server.requests(for: "/limited.xml").count == 1
            }
            try await loop.settle([busy, limited])
            let b = try loop.state(busy)
            let l = try loop.state(limited)
            let bFetched = try #require(b.lastFetch)
            let bDue = try #require(b.schedule.nextDue)
            let lDue = try #require(l.schedule.nextDue)
            // Never earlier than asked (jitter only adds there), far beyond the 60 s interval.
            #expect(bDue.timeIntervalSince(bFetched) >= 900 - 1 && bDue.timeIntervalSince(bFetched) <= 990 + 1)
            #expect(lDue >= askedDate.addingTimeInterval(-1))
            #expect(
                lDue.timeIntervalSince(try #require(l.lastFetch)) <= 1.1 * askedDate.timeIntervalSince(Self.t0) + 11)
            #expect(b.schedule.retryAfter != nil && l.schedule.retryAfter != nil)

            try await loop.advanceQuietly(to: bDue.addingTimeInterval(-1))
            #expect(server.requests(for: "/busy.xml").count == 1, "retried before Retry-After")
            #expect(server.requests(for: "/limited.xml").count == 1)
            try await loop.advance(to: bDue.addingTimeInterval(1))
            try await loop.wait("the busy feed is retried") { server.requests(for: "/busy.xml").count == 2 }
            try await loop.settle([busy, limited])
            try await loop.advanceQuietly(to: lDue.addingTimeInterval(-1))
            #expect(server.requests(for: "/limited.xml").count == 1, "retried before the Retry-After date")
            try await loop.advance(to: lDue.addingTimeInterval(1))
            try await loop.wait("the rate-limited feed is retried") { server.requests(for: "/limited.xml").count == 2 }
        } catch {
            await loop.stop()
            throw error
        }
        await loop.stop()
    }

    // MARK: - Network down

    @Test func failuresWhileEveryHostRefusesAreNotCharged() async throws {
        // Two "hosts" (two ports nothing listens on): every fetch fails to connect, as when our own network is down.
        let portA = try LoopbackHTTPServer.unusedPort()
        var portB = try LoopbackHTTPServer.unusedPort()
        while portB == portA { portB = try LoopbackHTTPServer.unusedPort() }
        let loop = try await Loop(
            feeds: """
                [[feeds]]
                url = "http://127.0.0.1:\(portA)/a.xml"
                name = "a"

                [[feeds]]
                url = "http://127.0.0.1:\(portB)/b.xml"
                name = "b"
                """
        ).started()
        let keys = Array(loop.keys.values)
        #expect(keys.count == 2)
        do {
            try await loop.advance(to: Self.t0.addingTimeInterval(10))
            var rounds = 0
            var lastFetch: [String: Date] = [:]
            while rounds < 5 {
                try await loop.wait("every feed failed again") {
                    try keys.allSatisfy { key in
                        let s = try loop.state(key)
                        return s.lastFetch != nil && s.lastFetch != lastFetch[key] && s.error != nil
                    }
                }
                try await loop.settle(keys)
                rounds += 1
                for key in keys {
                    let s = try loop.state(key)
                    lastFetch[key] = s.lastFetch
                    #expect(s.errorKind == "connect", "\(s.errorKind ?? "nil"): \(s.error ?? "")")
                    // No backoff: retried after the plain interval.
                    Self.expectGap(s.schedule.nextDue, after: s.lastFetch, is: 60)
                }
                // The first failure of all cannot know the network is down yet; none after it is charged.
                let charged = try keys.map { try loop.state($0).consecutiveFailures }
                #expect(charged.reduce(0, +) <= 1, "round \(rounds): failures charged \(charged)")
                let next = try keys.compactMap { try loop.state($0).schedule.nextDue }.max()
                try await loop.advance(to: try #require(next).addingTimeInterval(1))
            }
        } catch {
            await loop.stop()
            throw error
        }
        await loop.stop()
    }

    @Test func aSingleRefusingHostIsChargedAndBacksOff() async throws {
        let port = try LoopbackHTTPServer.unusedPort()
        let loop = try await Loop(
            feeds: """
                [[feeds]]
                url = "http://127.0.0.1:\(port)/a.xml"
                name = "a"
                """
        ).started()
        let key = try #require(loop.keys["a"])
        do {
            try await loop.advance(to: Self.t0.addingTimeInterval(10))
            for failures in 1...3 {
                try await loop.wait("failure \(failures) is charged") {
                    try loop.state(key).consecutiveFailures == failures
                }
                try await loop.settle([key])
                let s = try loop.state(key)
                Self.expectGap(s.schedule.nextDue, after: s.lastFetch, is: 60 * pow(2, Double(failures - 1)))
                try await loop.advance(to: try #require(s.schedule.nextDue).addingTimeInterval(1))
            }
        } catch {
            await loop.stop()
            throw error
        }
        await loop.stop()
    }
}
