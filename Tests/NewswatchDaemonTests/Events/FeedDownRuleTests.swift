import Foundation
import NewswatchCore
import NewswatchStore
import Testing

@testable import NewswatchDaemon

/// When a feed is down and when it is back (CONTRACT §10 `daemon.feed_down_after`), with the clock passed in.
@Suite struct FeedDownRuleTests {
    static let t0 = Timestamp.date(year: 2026, month: 11, day: 24, hour: 12)
    static let rule = FeedDownRule(downAfter: 3600)

    static func state(failures: Int, lastSuccess: Date?, lastNewItem: Date? = nil) -> FeedState {
        FeedState(
            key: "wire", name: "Wire", url: "https://wire.example/rss", active: true, validators: HTTPValidators(),
            bodyHash: nil, lastFetch: t0, lastSuccess: lastSuccess,
            firstSuccess: lastSuccess.map { _ in t0 - 86400 * 10 },
            lastNewItem: lastNewItem, httpStatus: failures > 0 ? 500 : 200, errorKind: failures > 0 ? "http" : nil,
            error: failures > 0 ? "HTTP 500" : nil, consecutiveFailures: failures, schedule: FeedSchedule())
    }

    @Test func failingForFeedDownAfterSinceTheLastSuccess() {
        let last = Self.t0 - 3599
        #expect(
            Self.rule.downSince(
                Self.state(failures: 3, lastSuccess: last), interval: 600, now: Self.t0,
                firstFailureSeen: nil) == nil)
        #expect(
            Self.rule.downSince(
                Self.state(failures: 3, lastSuccess: last), interval: 600, now: Self.t0 + 1,
                firstFailureSeen: nil) == last)
    }

    @Test func aFeedThatNeverWorkedCountsFromWhenItWasFirstSeenFailing() {
        let never = Self.state(failures: 5, lastSuccess: nil)
        #expect(Self.rule.downSince(never, interval: 600, now: Self.t0, firstFailureSeen: nil) == nil)
        #expect(
            Self.rule.downSince(never, interval: 600, now: Self.t0, firstFailureSeen: Self.t0 - 7200) == Self.t0 - 7200)
    }

    @Test func silentByStatusRuleIsDownAtOnceAndANewItemBringsItBack() {
        let lastItem = Self.t0 - 4 * 86400
        let silent = Self.state(failures: 0, lastSuccess: Self.t0 - 60, lastNewItem: lastItem)
        #expect(Self.rule.downSince(silent, interval: 600, now: Self.t0, firstFailureSeen: nil) == lastItem)
        #expect(!Self.rule.isBack(silent, interval: 600, now: Self.t0))
        let fresh = Self.state(failures: 0, lastSuccess: Self.t0 - 60, lastNewItem: Self.t0 - 60)
        #expect(Self.rule.downSince(fresh, interval: 600, now: Self.t0, firstFailureSeen: nil) == nil)
        #expect(Self.rule.isBack(fresh, interval: 600, now: Self.t0))
        #expect(!Self.rule.isBack(Self.state(failures: 1, lastSuccess: Self.t0 - 60), interval: 600, now: Self.t0))
    }
}
