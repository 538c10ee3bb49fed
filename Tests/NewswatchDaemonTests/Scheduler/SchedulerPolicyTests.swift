import Foundation
import NewswatchCore
import NewswatchDaemon
import Testing

@Suite struct SchedulerPolicyTests {
    let t0 = Timestamp.date(year: 2026, month: 11, day: 24, hour: 18)
    /// Without jitter, so delays are exact.
    let exact = SchedulerPolicy(jitterFraction: 0)
    let policy = SchedulerPolicy()
    let feed = "https://www.example.org/world/rss.xml"

    private func delay(_ s: FeedScheduleState, from now: Date) -> TimeInterval { s.nextDue.timeIntervalSince(now) }

    @Test func successIsDueAfterTheIntervalWithBoundedJitter() {
        var delays: [TimeInterval] = []
        for n in 0..<300 {
            let now = t0.addingTimeInterval(Double(n * 37))
            let s = policy.next(
                after: FetchOutcome(.ok), state: FeedScheduleState(nextDue: now),
                feed: "https://feed\(n % 50).example/",
                interval: 600, now: now)
            delays.append(delay(s, from: now))
            #expect(s.health == .ok && s.consecutiveFailures == 0)
        }
        #expect(delays.allSatisfy { $0 >= 540 && $0 <= 660 })
        // Spread over the whole band, not bunched: feeds do not fire together.
        #expect(delays.min()! < 550 && delays.max()! > 650)
        #expect(Set(delays.map { Int($0) }).count > 100)
        let notModified = exact.next(
            after: FetchOutcome(.notModified), state: FeedScheduleState(nextDue: t0), feed: feed, interval: 600, now: t0
        )
        #expect(delay(notModified, from: t0) == 600)
    }

    @Test func jitterIsDeterministicForTheSameSeedFeedAndTime() {
        let a = policy.next(after: FetchOutcome(.ok), state: .init(nextDue: t0), feed: feed, interval: 600, now: t0)
        let b = policy.next(after: FetchOutcome(.ok), state: .init(nextDue: t0), feed: feed, interval: 600, now: t0)
        #expect(a == b)
        var other = policy
        other.seed = 42
        let seeds = (0..<20).map { n in
            other.jitterUnit(feed: feed, at: t0.addingTimeInterval(Double(n)))
                != policy.jitterUnit(feed: feed, at: t0.addingTimeInterval(Double(n)))
        }
        #expect(seeds.allSatisfy { $0 })
        #expect(policy.jitterUnit(feed: feed, at: t0) != policy.jitterUnit(feed: feed + "x", at: t0))
    }

    @Test func failuresBackOffExponentiallyUpToTheCapAndNeverGiveUp() {
        var s = FeedScheduleState(nextDue: t0)
        var now = t0
        var delays: [TimeInterval] = []
        for _ in 0..<12 {
            s = exact.next(after: FetchOutcome(.httpStatus(500)), state: s, feed: feed, interval: 600, now: now)
            delays.append(delay(s, from: now))
            #expect(s.health == .failing)
            now = s.nextDue
        }
        #expect(delays == [600, 1200, 2400, 4800, 9600, 19200, 21600, 21600, 21600, 21600, 21600, 21600])
        #expect(s.consecutiveFailures == 12)
        // One success resets everything.
        s = exact.next(after: FetchOutcome(.ok), state: s, feed: feed, interval: 600, now: now)
        #expect(s.consecutiveFailures == 0 && s.health == .ok && delay(s, from: now) == 600)
        // With jitter the cap still holds within ±10%.
        var j = FeedScheduleState(nextDue: t0, consecutiveFailures: 40)
        j = policy.next(after: FetchOutcome(.network(.timeout)), state: j, feed: feed, interval: 600, now: t0)
        #expect((19440...23760).contains(delay(j, from: t0)))
        // An interval longer than the cap is never shortened by backing off.
        #expect(exact.backoff(interval: 12 * 3600, failures: 9) == 12 * 3600)
        #expect(exact.backoff(interval: 60, failures: 1000) == 21600)
    }

    @Test func aFeedFailingForDaysKeepsBeingRetriedUnderAManualClock() {
        let clock = ManualClock(start: t0)
        var s = policy.initialState(feed: feed, interval: 300, now: clock.now())
        var attempts = 0
        var longest: TimeInterval = 0
        while clock.now() < t0.addingTimeInterval(3 * 86400) {
            clock.advance(by: max(0, s.nextDue.timeIntervalSince(clock.now())))
            attempts += 1
            let next = policy.next(
                after: FetchOutcome(.network(.dns)), state: s, feed: feed, interval: 300, now: clock.now())
            longest = max(longest, next.nextDue.timeIntervalSince(clock.now()))
            s = next
        }
        #expect(s.consecutiveFailures == attempts)
        #expect(longest <= 21600 * 1.1)
        // 6 hours at most between tries: about 12 a day once capped, plus the ramp.
        #expect(attempts >= 12 && attempts <= 25)
    }

    @Test func retryAfterIsHonouredButCapped() {
        let start = FeedScheduleState(nextDue: t0)
        let asked = exact.next(
            after: FetchOutcome(.httpStatus(503), retryAfter: 3600), state: start, feed: feed, interval: 600, now: t0)
        #expect(delay(asked, from: t0) == 3600)
        #expect(asked.consecutiveFailures == 1)
        // Jitter never brings the fetch before the server's time.
        for n in 0..<100 {
            let now = t0.addingTimeInterval(Double(n))
            let s = policy.next(
                after: FetchOutcome(.httpStatus(429), retryAfter: 3600), state: start, feed: feed, interval: 600,
                now: now)
            #expect((3600...3960).contains(delay(s, from: now)))
        }
        // A short Retry-After does not undercut the backoff.
        let short = exact.next(
            after: FetchOutcome(.httpStatus(503), retryAfter: 5), state: .init(nextDue: t0, consecutiveFailures: 3),
            feed: feed, interval: 600, now: t0)
        #expect(delay(short, from: t0) == 4800)
        let absurd = exact.next(
            after: FetchOutcome(.httpStatus(503), retryAfter: 1e12), state: start, feed: feed, interval: 600, now: t0)
        #expect(delay(absurd, from: t0) == 86400)
    }

    @Test func ttlAndMaxAgeAreFloorsCappedAtADay() {
        let start = FeedScheduleState(nextDue: t0)
        func d(_ o: FetchOutcome, _ p: SchedulerPolicy? = nil) -> TimeInterval {
            delay((p ?? exact).next(after: o, state: start, feed: feed, interval: 600, now: t0), from: t0)
        }
        #expect(d(FetchOutcome(.ok, ttl: 3600)) == 3600)
        #expect(d(FetchOutcome(.notModified, maxAge: 7200)) == 7200)
        #expect(d(FetchOutcome(.ok, ttl: 3600, maxAge: 1800)) == 3600)
        #expect(d(FetchOutcome(.ok, ttl: 60, maxAge: 0)) == 600)  // shorter than the interval: no effect
        #expect(d(FetchOutcome(.ok, ttl: 10 * 86400)) == 86400)
        #expect(d(FetchOutcome(.ok, ttl: -5)) == 600)
        for n in 0..<50 {
            let p = SchedulerPolicy(seed: UInt64(n))
            #expect((3600...3960).contains(d(FetchOutcome(.ok, ttl: 3600), p)))
        }
        // Floors apply to answers only; a failure backs off from the interval.
        #expect(d(FetchOutcome(.httpStatus(500), ttl: 3600)) == 600)
    }

    @Test func goneAndRepeatedNotFoundAreReportedAndStillRetried() {
        var s = exact.next(
            after: FetchOutcome(.httpStatus(410)), state: .init(nextDue: t0), feed: feed, interval: 600, now: t0)
        #expect(s.health == .gone && delay(s, from: t0) == 86400 && s.consecutiveFailures == 1)
        s = exact.next(after: FetchOutcome(.ok), state: s, feed: feed, interval: 600, now: t0)
        #expect(s.health == .ok)

        var nf = FeedScheduleState(nextDue: t0)
        var healths: [FeedScheduleState.Health] = []
        for result in [
            FetchOutcome.Result.httpStatus(404), .httpStatus(404), .httpStatus(500), .httpStatus(404),
            .httpStatus(404), .httpStatus(404), .httpStatus(404),
        ] {
            nf = exact.next(after: FetchOutcome(result), state: nf, feed: feed, interval: 600, now: t0)
            healths.append(nf.health)
        }
        #expect(healths == [.failing, .failing, .failing, .failing, .failing, .notFound, .notFound])
        #expect(nf.consecutiveNotFound == 4 && nf.consecutiveFailures == 7)
        #expect(delay(nf, from: t0) == 21600)
    }

    @Test func connectivityFailuresWhileTheNetworkIsDownAreNotCharged() {
        let failing = FeedScheduleState(nextDue: t0, consecutiveFailures: 2, health: .failing)
        for kind in [FetchOutcome.NetworkFailure.dns, .connect] {
            let s = exact.next(
                after: FetchOutcome(.network(kind)), state: failing, feed: feed, interval: 600, now: t0,
                networkDown: true)
            #expect(s.consecutiveFailures == 2 && s.health == .failing)
            #expect(delay(s, from: t0) == 600)
            let charged = exact.next(
                after: FetchOutcome(.network(kind)), state: failing, feed: feed, interval: 600, now: t0,
                networkDown: false)
            #expect(charged.consecutiveFailures == 3 && delay(charged, from: t0) == 2400)
        }
        // An HTTP error or a TLS failure is the feed's own, whatever the network monitor thinks.
        for result in [FetchOutcome.Result.httpStatus(500), .network(.tls), .unusable] {
            let s = exact.next(
                after: FetchOutcome(result), state: failing, feed: feed, interval: 600, now: t0, networkDown: true)
            #expect(s.consecutiveFailures == 3)
        }
    }

    @Test func firstFetchesAreSpreadOverTheStartupWindow() {
        let dues = (0..<200).map {
            policy.initialState(feed: "https://f\($0).example/", interval: 600, now: t0).nextDue.timeIntervalSince(t0)
        }
        #expect(dues.allSatisfy { $0 >= 0 && $0 <= 60 })
        #expect(dues.min()! < 5 && dues.max()! > 55)
        // A short interval spreads over a tenth of itself.
        #expect(policy.initialState(feed: feed, interval: 30, now: t0).nextDue.timeIntervalSince(t0) <= 3)
    }
}
