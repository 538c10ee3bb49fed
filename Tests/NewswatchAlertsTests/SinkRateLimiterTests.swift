import Foundation
import NewswatchCore
import Testing

@testable import NewswatchAlerts

@Suite struct SinkRateLimiterTests {
    private let t0 = Timestamp.date(year: 2026, month: 11, day: 25, hour: 12)
    private func at(_ minutes: Double) -> Date { t0.addingTimeInterval(minutes * 60) }

    @Test func withoutALimitEverythingIsDelivered() {
        var limiter = SinkRateLimiter(maxPerHour: nil)
        for i in 0..<1000 {
            #expect(
                limiter.admit(topic: "gaza", topicName: "Gaza", title: "t\(i)", at: at(Double(i) / 100)) == .deliver)
        }
        #expect(limiter.dueSummaries(at: at(600)).isEmpty)
        #expect(SinkRateLimiter(maxPerHour: 0).maxPerHour == nil)
    }

    @Test func tripsAfterTheLimitHoldsForAnHourAndSummarisesOnce() {
        var limiter = SinkRateLimiter(maxPerHour: 3)
        #expect(limiter.admit(topic: "gaza", topicName: "Gaza war", title: "a", at: at(0)) == .deliver)
        #expect(limiter.admit(topic: "gaza", topicName: "Gaza war", title: "b", at: at(10)) == .deliver)
        #expect(limiter.admit(topic: "gaza", topicName: "Gaza war", title: "c", at: at(20)) == .deliver)
        // The fourth within the hour trips the limit.
        #expect(limiter.admit(topic: "gaza", topicName: "Gaza war", title: "d", at: at(30)) == .holdBack)
        #expect(limiter.isHoldingBack(topic: "gaza"))
        #expect(limiter.nextSummaryDue == at(90))
        // Held back for an hour from the trip, even after the window has room again (a at 0 expired at 60).
        for (i, minute) in [40.0, 61, 75, 89].enumerated() {
            #expect(limiter.admit(topic: "gaza", topicName: "Gaza war", title: "h\(i)", at: at(minute)) == .holdBack)
        }
        // Other topics are unaffected.
        #expect(limiter.admit(topic: "us-israel", topicName: "US–Israel", title: "x", at: at(45)) == .deliver)
        #expect(limiter.dueSummaries(at: at(89)).isEmpty)

        let summaries = limiter.dueSummaries(at: at(90))
        #expect(
            summaries == [
                RateLimitSummary(
                    topic: "gaza", topicName: "Gaza war", heldBack: 5, from: at(30), until: at(90),
                    sampleTitles: ["d", "h0", "h1", "h2", "h3"])
            ])
        #expect(limiter.dueSummaries(at: at(91)).isEmpty)  // once only
        #expect(!limiter.isHoldingBack(topic: "gaza"))
        #expect(limiter.nextSummaryDue == nil)
        // Afresh after the hold.
        #expect(limiter.admit(topic: "gaza", topicName: "Gaza war", title: "e", at: at(91)) == .deliver)
    }

    @Test func slidingWindowLetsAlertsThroughAsOldOnesAge() {
        var limiter = SinkRateLimiter(maxPerHour: 2)
        #expect(limiter.admit(topic: "t", topicName: "T", title: nil, at: at(0)) == .deliver)
        #expect(limiter.admit(topic: "t", topicName: "T", title: nil, at: at(50)) == .deliver)
        // At 60 the first has left the window: room for one more without tripping.
        #expect(limiter.admit(topic: "t", topicName: "T", title: nil, at: at(60)) == .deliver)
        // At 100 the window (40, 100] still holds 50 and 60; at 111 only 60.
        #expect(limiter.admit(topic: "t", topicName: "T", title: nil, at: at(111)) == .deliver)
        #expect(!limiter.isHoldingBack(topic: "t"))
    }

    @Test func summaryNamesAtMostFiveTitles() {
        var limiter = SinkRateLimiter(maxPerHour: 1)
        _ = limiter.admit(topic: "gaza", topicName: "Gaza", title: "first", at: at(0))
        for i in 0..<12 {
            _ = limiter.admit(topic: "gaza", topicName: "Gaza", title: "held \(i)", at: at(1 + Double(i)))
        }
        let summary = try! #require(limiter.dueSummaries(at: at(61)).first)
        #expect(summary.heldBack == 12)
        #expect(summary.sampleTitles.count == SinkRateLimiter.sampleLimit)
        #expect(
            summary.text
                == "12 more alerts for 'gaza' in the last hour were held back: held 0; held 1; held 2; held 3; held 4; and 7 others"
        )
    }

    @Test func summaryTextAndJSON() {
        let one = RateLimitSummary(
            topic: "gaza", topicName: "Gaza", heldBack: 1, from: at(0), until: at(60), sampleTitles: ["Only"])
        #expect(one.text == "1 more alert for 'gaza' in the last hour was held back: Only")
        #expect(
            one.json.compact
                == #"{"type":"rate_limit_summary","topic":"gaza","topic_name":"Gaza","held_back":1,"#
                + #""from":"2026-11-25T12:00:00Z","until":"2026-11-25T13:00:00Z","titles":["Only"],"#
                + #""text":"1 more alert for 'gaza' in the last hour was held back: Only"}"#)
    }
}
