import Foundation
import NewswatchCore
import NewswatchDaemon
import Testing

@Suite struct SchedulerNetworkMonitorTests {
    let t0 = Timestamp.date(year: 2026, month: 11, day: 24, hour: 18)

    @Test func everyHostFailingToConnectMeansTheNetworkIsDown() {
        var m = NetworkMonitor()
        m.record(host: "a.example", result: .ok, at: t0)
        m.record(host: "a.example", result: .network(.dns), at: t0)
        #expect(!m.isDown)  // one host failing is that host's problem
        m.record(host: "A.EXAMPLE", result: .network(.connect), at: t0)
        #expect(!m.isDown)  // the same host again
        m.record(host: "b.example", result: .network(.connect), at: t0)
        #expect(m.isDown)
        m.record(host: "c.example", result: .network(.tls), at: t0)
        m.record(host: "d.example", result: .network(.timeout), at: t0)
        m.record(host: nil, result: .unusable, at: t0)  // local files say nothing about the network
        #expect(m.isDown)
        // Any HTTP answer, even an error, proves the network is back.
        m.record(host: "e.example", result: .httpStatus(503), at: t0.addingTimeInterval(60))
        #expect(!m.isDown && m.failingHosts.isEmpty)
        #expect(m.lastAnswer == t0.addingTimeInterval(60))
    }

    @Test func aRoundIsDownOnlyWhenEveryNetworkFetchFailedToConnect() {
        typealias R = FetchOutcome.Result
        #expect(
            NetworkMonitor.isDown(round: [("a", R.network(.dns)), ("b", .network(.connect)), ("c", .network(.dns))]))
        #expect(NetworkMonitor.isDown(round: [("a", R.network(.dns)), ("b", .network(.dns)), (nil, .unusable)]))
        #expect(!NetworkMonitor.isDown(round: [("a", R.network(.dns)), ("b", .network(.dns)), ("c", .ok)]))
        #expect(!NetworkMonitor.isDown(round: [("a", R.network(.dns)), ("b", .network(.timeout))]))
        #expect(!NetworkMonitor.isDown(round: [("a", R.network(.dns)), ("a", .network(.connect))]))
        #expect(!NetworkMonitor.isDown(round: []))
        #expect(!NetworkMonitor.isDown(round: [(nil, R.unusable), (nil, .unusable)]))
    }

    @Test func anOutageChargesNoFeedBeyondTheFirstHostAndRecoveryResetsThem() {
        let policy = SchedulerPolicy(jitterFraction: 0)
        var monitor = NetworkMonitor()
        let feeds = (0..<5).map { "https://host\($0).example/rss" }
        var states = feeds.map { _ in FeedScheduleState(nextDue: t0) }
        for (i, feed) in feeds.enumerated() {
            let result = FetchOutcome.Result.network(.dns)
            monitor.record(host: "host\(i).example", result: result, at: t0)
            states[i] = policy.next(
                after: FetchOutcome(result), state: states[i], feed: feed, interval: 600, now: t0,
                networkDown: monitor.isDown)
        }
        // Until a second host fails, the failure is charged (its first backoff step is the interval anyway).
        #expect(states.map(\.consecutiveFailures) == [1, 0, 0, 0, 0])
        #expect(states.allSatisfy { $0.nextDue == t0.addingTimeInterval(600) })
        let later = t0.addingTimeInterval(600)
        for (i, feed) in feeds.enumerated() {
            monitor.record(host: "host\(i).example", result: .ok, at: later)
            states[i] = policy.next(
                after: FetchOutcome(.ok), state: states[i], feed: feed, interval: 600, now: later,
                networkDown: monitor.isDown)
        }
        #expect(states.allSatisfy { $0.consecutiveFailures == 0 && $0.health == .ok })
    }
}
