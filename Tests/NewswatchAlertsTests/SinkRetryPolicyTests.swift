import Foundation
import NewswatchCore
import Testing

@testable import NewswatchAlerts

@Suite struct SinkRetryPolicyTests {
    private let t0 = Timestamp.date(year: 2026, month: 11, day: 25, hour: 12)

    @Test func delayDoublesFromThirtySecondsToAnHourCap() {
        let policy = SinkRetryPolicy()
        let delays = (1...10).map { policy.delay(afterFailures: $0) }
        #expect(delays == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600])
        #expect(policy.delay(afterFailures: 0) == 30)
        #expect(policy.delay(afterFailures: 10_000) == 3600)  // no overflow, still the cap
    }

    @Test func retriesAreScheduledFromTheFailure() {
        let policy = SinkRetryPolicy()
        let failedAt = t0.addingTimeInterval(100)
        #expect(
            policy.decide(firstAttempt: t0, failures: 1, now: failedAt) == .retry(at: failedAt.addingTimeInterval(30)))
        #expect(
            policy.decide(firstAttempt: t0, failures: 3, now: failedAt) == .retry(at: failedAt.addingTimeInterval(120)))
    }

    @Test func givesUpTwentyFourHoursAfterTheFirstAttempt() {
        let policy = SinkRetryPolicy()
        // Close to the deadline, the last retry lands on the deadline itself.
        let late = t0.addingTimeInterval(86400 - 600)
        #expect(policy.decide(firstAttempt: t0, failures: 30, now: late) == .retry(at: t0.addingTimeInterval(86400)))
        #expect(policy.decide(firstAttempt: t0, failures: 31, now: t0.addingTimeInterval(86400)) == .giveUp)
        #expect(policy.decide(firstAttempt: t0, failures: 1, now: t0.addingTimeInterval(90000)) == .giveUp)
    }

    @Test func aSinkThatNeverRecoversIsTriedAboutThirtyTimesInADay() {
        let policy = SinkRetryPolicy()
        var now = t0
        var attempts = 1
        while case .retry(let next) = policy.decide(firstAttempt: t0, failures: attempts, now: now) {
            #expect(next > now)
            now = next
            attempts += 1
        }
        #expect(now == t0.addingTimeInterval(86400))
        // 30 s … 1920 s (7 retries, ~1 h) then hourly until the deadline: ~30 attempts in all.
        #expect((28...32).contains(attempts))
    }
}
