import Foundation
import NewswatchCore
import NewswatchDaemon
import NewswatchTestSupport
import Testing

@Suite struct SchedulerDueQueueTests {
    let t0 = Timestamp.date(year: 2026, month: 11, day: 24, hour: 18)

    @Test func takesDueFeedsOldestFirst() {
        var q = DueQueue<String>(concurrency: 16)
        q.schedule("late", host: "a.example", at: t0.addingTimeInterval(300))
        q.schedule("second", host: "b.example", at: t0.addingTimeInterval(-10))
        q.schedule("first", host: "c.example", at: t0.addingTimeInterval(-60))
        q.schedule("now", host: "d.example", at: t0)
        #expect(q.take(at: t0) == ["first", "second", "now"])
        #expect(q.take(at: t0).isEmpty)  // already in flight
        #expect(q.nextWake() == t0.addingTimeInterval(300))
        #expect(q.take(at: t0.addingTimeInterval(299)).isEmpty)
        #expect(q.take(at: t0.addingTimeInterval(300)) == ["late"])
        #expect(q.inFlightCount == 4)
    }

    @Test func neverMoreThanConcurrencyInFlight() {
        var q = DueQueue<Int>(concurrency: 3)
        for i in 0..<10 { q.schedule(i, host: "h\(i).example", at: t0.addingTimeInterval(Double(i))) }
        let first = q.take(at: t0.addingTimeInterval(100))
        #expect(first == [0, 1, 2])
        #expect(q.nextWake() == nil)  // full: the next start waits for a finish
        q.finish(1, nextDue: t0.addingTimeInterval(700))
        #expect(q.nextWake() == t0.addingTimeInterval(3))
        #expect(q.take(at: t0.addingTimeInterval(100)) == [3])
        #expect(q.inFlightCount == 3)
        #expect(q.due(1) == t0.addingTimeInterval(700) && !q.isInFlight(1) && q.isInFlight(3))
    }

    @Test func atMostTwoPerHost() {
        var q = DueQueue<String>(concurrency: 16)
        for i in 0..<4 { q.schedule("bbc\(i)", host: "feeds.bbci.co.uk", at: t0.addingTimeInterval(Double(i))) }
        q.schedule("npr", host: "feeds.npr.org", at: t0.addingTimeInterval(10))
        q.schedule("file1", host: nil, at: t0)
        q.schedule("file2", host: nil, at: t0)
        q.schedule("file3", host: nil, at: t0)
        let started = q.take(at: t0.addingTimeInterval(60))
        #expect(started == ["bbc0", "file1", "file2", "file3", "bbc1", "npr"])  // due time, then insertion order
        // The waiting BBC feeds cannot start, so they do not make the loop spin.
        #expect(q.nextWake() == nil)
        q.finish("bbc0", nextDue: t0.addingTimeInterval(600))
        #expect(q.nextWake() == t0.addingTimeInterval(2))
        #expect(q.take(at: t0.addingTimeInterval(60)) == ["bbc2"])
        // Host names are case-insensitive.
        q.schedule("BBC", host: "FEEDS.BBCI.CO.UK", at: t0)
        #expect(q.take(at: t0.addingTimeInterval(60)).isEmpty)
    }

    @Test func removingAFeedFreesItsSlotAndItsLateFinishIsIgnored() {
        var q = DueQueue<String>(concurrency: 1)
        q.schedule("a", host: "x.example", at: t0)
        q.schedule("b", host: "y.example", at: t0)
        #expect(q.take(at: t0) == ["a"])
        q.remove("a")
        #expect(q.count == 1 && q.inFlightCount == 0)
        #expect(q.take(at: t0) == ["b"])
        q.finish("a", nextDue: t0.addingTimeInterval(60))
        #expect(q.count == 1 && q.inFlightCount == 1)
        // Rescheduling a running feed keeps it running; finish decides its next due time.
        q.schedule("b", host: "y.example", at: t0.addingTimeInterval(5))
        #expect(q.isInFlight("b") && q.inFlightCount == 1)
        q.finish("b", nextDue: t0.addingTimeInterval(600))
        #expect(q.due("b") == t0.addingTimeInterval(600) && q.inFlightCount == 0)
        #expect(q.nextWake() == t0.addingTimeInterval(600))
    }

    /// Random schedules, finishes and removals against the limits: never more than `concurrency` in flight or
    /// two per host, every due feed is started, and a host's feeds start in due order.
    @Test func randomWorkloadsKeepTheLimitsAndStartEveryDueFeed() {
        var rng = SplitMix(seed: 7)
        for round in 0..<20 {
            let concurrency = 1 + Int(rng.next() % 8)
            var q = DueQueue<Int>(concurrency: concurrency)
            var hostOf: [Int: String] = [:]
            var dueOf: [Int: Date] = [:]
            var running: [Int] = []
            var now = t0
            for feed in 0..<200 {
                let host = "h\(rng.next() % UInt64(1 + round * 2)).example"
                let due = t0.addingTimeInterval(Double(rng.next() % 600))
                hostOf[feed] = host
                dueOf[feed] = due
                q.schedule(feed, host: host, at: due)
            }
            var startedAt: [Int: Date] = [:]
            var lastStartOfHost: [String: Date] = [:]
            var steps = 0
            while startedAt.count < 200 - 10 {
                steps += 1
                guard steps < 100_000 else {
                    Issue.record("round \(round): \(200 - startedAt.count) due feeds never started")
                    break
                }
                for feed in q.take(at: now) {
                    #expect(dueOf[feed]! <= now)
                    #expect(startedAt[feed] == nil)
                    startedAt[feed] = now
                    // Within a host, no feed starts before one that was due earlier.
                    if let last = lastStartOfHost[hostOf[feed]!] { #expect(dueOf[feed]! >= last) }
                    lastStartOfHost[hostOf[feed]!] = dueOf[feed]!
                    running.append(feed)
                }
                #expect(q.inFlightCount <= concurrency)
                let perHost = Dictionary(grouping: running, by: { hostOf[$0]! }).mapValues(\.count)
                #expect(perHost.values.allSatisfy { $0 <= 2 })
                if running.isEmpty || rng.next() % 3 == 0 {
                    now = (q.nextWake() ?? now).addingTimeInterval(1)
                } else {
                    let i = Int(rng.next() % UInt64(running.count))
                    let feed = running.remove(at: i)
                    q.finish(feed, nextDue: now.addingTimeInterval(86400))
                }
                if rng.next() % 50 == 0, let victim = dueOf.keys.filter({ startedAt[$0] == nil }).min() {
                    q.remove(victim)
                    dueOf.removeValue(forKey: victim)
                    startedAt[victim] = now  // counted as done
                }
            }
        }
    }
}

