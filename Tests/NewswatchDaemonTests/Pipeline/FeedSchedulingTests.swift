import Foundation
import NewswatchCore
import NewswatchStore
import Testing

@testable import NewswatchDaemon

/// Issue 19 item 1: server hints that name absurd delays are capped at 7 days before anything adds them to a time.
@Suite struct FeedSchedulingTests {
    let now = Timestamp.date(year: 2026, month: 11, day: 24, hour: 18)
    let week: TimeInterval = 7 * 86400

    @Test func absurdTTLAndMaxAgeAreCapped() {
        let outcome = FeedScheduling.successOutcome(
            notModified: false, hints: .init(ttlMinutes: Int.max, maxAge: Int.max))
        #expect(outcome.ttl == week && outcome.maxAge == week)
        let fine = FeedScheduling.successOutcome(notModified: true, hints: .init(ttlMinutes: 60, maxAge: 300))
        #expect(fine.ttl == 3600 && fine.maxAge == 300)
    }

    @Test func absurdRetryAfterIsCappedAndStoredWithinAWeek() {
        let failure = PollFailure(
            kind: "httpStatus", message: "HTTP status 503", httpStatus: 503,
            retryAfter: Date(timeIntervalSince1970: 1e22), isNetworkLevel: false)
        let outcome = FeedScheduling.fetchOutcome(.failed(failure), now: now)
        #expect(outcome.retryAfter == week)
        let policy = SchedulerPolicy()
        let next = policy.next(
            after: outcome, state: FeedScheduleState(nextDue: now), feed: "f", interval: 600, now: now)
        let stored = FeedScheduling.storedSchedule(next: next, outcome: outcome, previous: nil, now: now)
        #expect(stored.retryAfter == now.addingTimeInterval(week))
        #expect(stored.nextDue.map { $0.timeIntervalSince(now) <= week } == true)

        // Even an outcome built by hand with an absurd delay is stored within the week.
        let handMade = FetchOutcome(.httpStatus(503), retryAfter: .greatestFiniteMagnitude)
        let again = FeedScheduling.storedSchedule(next: next, outcome: handMade, previous: nil, now: now)
        #expect(again.retryAfter == now.addingTimeInterval(week))
    }

    @Test func policyNeverSchedulesPastTheStorableRange() {
        let policy = SchedulerPolicy(maximumBackoff: .infinity, maximumFloor: .infinity)
        let s = policy.next(
            after: FetchOutcome(.httpStatus(500)), state: FeedScheduleState(nextDue: now, consecutiveFailures: 80),
            feed: "f", interval: 1e300, now: now)
        #expect(s.nextDue <= Date(timeIntervalSince1970: 253_402_300_799))
    }
}
