import Foundation
import NewswatchCore
import NewswatchFetch
import NewswatchStore
import Testing

@testable import NewswatchDaemon

/// Issue 19 item 1: server hints that name absurd delays are capped at 7 days before anything adds them to a time.
@Suite struct FeedSchedulingTests {
    let now = Timestamp.date(year: 2026, month: 11, day: 24, hour: 18)
    let week: TimeInterval = 7 * 86400

    @Test func absurdTTLAndMaxAgeAreCapped() {
        let outcome = FeedScheduling.successOutcome(
            notModified: false, ttlMinutes: Int.max, maxAge: Int.max)
        #expect(outcome.ttl == week && outcome.maxAge == week)
        let fine = FeedScheduling.successOutcome(notModified: true, ttlMinutes: 60, maxAge: 300)
        #expect(fine.ttl == 3600 && fine.maxAge == 300)
    }

    @Test func absurdRetryAfterIsCappedAndStoredWithinAWeek() {
        let failure = PollFailure(
            kind: .fetch(.httpStatus), message: "HTTP status 503", httpStatus: 503,
            retryAfter: Date(timeIntervalSince1970: 1e22))
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

    /// Issue 13 item 3: a fetch failure stays typed from the fetcher to the scheduler; its stored name is the
    /// fetcher's kind name, made once, and its scheduling class is what the stored string used to be parsed into.
    @Test func everyFetchFailureKeepsItsNameAndItsSchedulingClass() {
        for kind in FetchError.Kind.allCases {
            let failure = PollFailure(kind: .fetch(kind), message: "m", httpStatus: kind == .httpStatus ? 503 : nil)
            #expect(failure.kind.name == kind.rawValue)
            let expected: FetchOutcome.Result
            switch kind {
            case .httpStatus: expected = .httpStatus(503)
            case .dns: expected = .network(.dns)
            case .connect: expected = .network(.connect)
            case .tls: expected = .network(.tls)
            case .timeout: expected = .network(.timeout)
            case .network: expected = .network(.other)
            default: expected = .unusable
            }
            #expect(FeedScheduling.fetchOutcome(.failed(failure), now: now).result == expected, "\(kind)")
            #expect(failure.isNetworkLevel == [.dns, .connect, .network].contains(kind), "\(kind)")
            #expect(failure.isCancellation == [.cancelled, .shutdown].contains(kind), "\(kind)")
        }
        let others: [PollFailure.Kind] = [.file, .parse, .store]
        #expect(others.map(\.name) == ["file", "parse", "store"])
        for kind in others {
            let failure = PollFailure(kind: kind, message: "m")
            #expect(FeedScheduling.fetchOutcome(.failed(failure), now: now).result == .unusable)
            #expect(!failure.isNetworkLevel && !failure.isCancellation)
        }
    }
}
