import Foundation
import NewswatchCore
import Testing

@Suite struct TopicDeliveryTests {
    private func at(_ text: String) -> Date { Timestamp.parse(text)! }
    private let utc = TimeZone(identifier: "UTC")!
    private let berlin = TimeZone(identifier: "Europe/Berlin")!

    @Test func immediateWithoutQuietHoursGoesAtOnce() {
        #expect(TopicDelivery.immediate.release(at: at("2026-11-24T18:03:12Z"), priority: .normal) == nil)
    }

    @Test func batchPeriodsAreAlignedAndShareTheirEnd() throws {
        let d = TopicDelivery(mode: .batch, batchPeriod: 900, timeZone: utc)
        let a = try #require(d.release(at: at("2026-11-24T18:00:00Z"), priority: .low))
        let b = try #require(d.release(at: at("2026-11-24T18:14:59Z"), priority: .high))
        let c = try #require(d.release(at: at("2026-11-24T18:15:00Z"), priority: .normal))
        #expect(a.notBefore == at("2026-11-24T18:15:00Z"))
        #expect(a.periodStart == at("2026-11-24T18:00:00Z"))
        #expect(b.notBefore == a.notBefore)
        #expect(a.hold == .batch)
        #expect(c.notBefore == at("2026-11-24T18:30:00Z"))
        #expect(c.periodStart == at("2026-11-24T18:15:00Z"))
    }

    @Test func quietHoursAcrossMidnightHoldUntilTheirEnd() throws {
        let d = TopicDelivery(quietHours: QuietHours("23:00-06:00"), timeZone: utc)
        #expect(d.release(at: at("2026-11-24T22:59:59Z"), priority: .normal) == nil)
        let evening = try #require(d.release(at: at("2026-11-24T23:00:00Z"), priority: .normal))
        let night = try #require(d.release(at: at("2026-11-25T03:10:00Z"), priority: .low))
        #expect(evening.notBefore == at("2026-11-25T06:00:00Z"))
        #expect(evening.periodStart == at("2026-11-24T23:00:00Z"))
        #expect(evening.hold == .quiet)
        #expect(night.notBefore == evening.notBefore)
        #expect(night.periodStart == evening.periodStart)
        #expect(d.release(at: at("2026-11-25T06:00:00Z"), priority: .normal) == nil)
    }

    @Test func highPriorityIsNeverHeld() {
        let d = TopicDelivery(quietHours: QuietHours("23:00-06:00"), timeZone: utc)
        #expect(d.release(at: at("2026-11-25T01:00:00Z"), priority: .high) == nil)
    }

    @Test func aBatchThatWouldCloseInQuietHoursWaitsForTheirEnd() throws {
        let d = TopicDelivery(mode: .batch, batchPeriod: 900, quietHours: QuietHours("23:00-06:00"), timeZone: utc)
        let r = try #require(d.release(at: at("2026-11-24T22:50:00Z"), priority: .normal))
        #expect(r.notBefore == at("2026-11-25T06:00:00Z"))
        #expect(r.periodStart == at("2026-11-24T22:45:00Z"))
        #expect(r.hold == .quiet)
        // The last period of the night closes exactly when quiet hours end: the same message.
        let last = try #require(d.release(at: at("2026-11-25T05:50:00Z"), priority: .normal))
        #expect(last.notBefore == r.notBefore)
    }

    @Test func daytimeWindowInALocalZone() throws {
        // 12:00-14:00 Berlin in winter is 11:00-13:00 UTC.
        let d = TopicDelivery(quietHours: QuietHours("12:00-14:00"), timeZone: berlin)
        #expect(d.release(at: at("2026-11-24T10:59:00Z"), priority: .normal) == nil)
        let r = try #require(d.release(at: at("2026-11-24T11:30:00Z"), priority: .normal))
        #expect(r.notBefore == at("2026-11-24T13:00:00Z"))
        #expect(d.release(at: at("2026-11-24T13:00:00Z"), priority: .normal) == nil)
    }

    @Test func quietHoursAcrossTheSpringForwardNight() throws {
        // Europe/Berlin, 29 March 2026: 02:00 CET jumps to 03:00 CEST. 22:00 CET = 21:00Z; 07:00 CEST = 05:00Z.
        let d = TopicDelivery(quietHours: QuietHours("22:00-07:00"), timeZone: berlin)
        let r = try #require(d.release(at: at("2026-03-29T00:30:00Z"), priority: .normal))
        #expect(r.periodStart == at("2026-03-28T21:00:00Z"))
        #expect(r.notBefore == at("2026-03-29T05:00:00Z"))
        #expect(d.release(at: at("2026-03-29T05:00:00Z"), priority: .normal) == nil)
        #expect(d.release(at: at("2026-03-29T04:59:59Z"), priority: .normal)?.notBefore == at("2026-03-29T05:00:00Z"))
    }

    @Test func quietHoursAcrossTheFallBackNight() throws {
        // Europe/Berlin, 25 October 2026: 03:00 CEST goes back to 02:00 CET. 23:00 CEST = 21:00Z; 06:00 CET = 05:00Z.
        let d = TopicDelivery(quietHours: QuietHours("23:00-06:00"), timeZone: berlin)
        let r = try #require(d.release(at: at("2026-10-25T01:30:00Z"), priority: .normal))
        #expect(r.periodStart == at("2026-10-24T21:00:00Z"))
        #expect(r.notBefore == at("2026-10-25T05:00:00Z"))
        #expect(d.release(at: at("2026-10-25T04:59:00Z"), priority: .normal) != nil)
        #expect(d.release(at: at("2026-10-25T05:00:00Z"), priority: .normal) == nil)
    }

    @Test func aQuietHourThatDoesNotExistStartsAtTheTransition() throws {
        // 02:30-04:00 Berlin on 29 March 2026: 02:30 does not exist, the window opens at 03:00 CEST (01:00Z).
        let d = TopicDelivery(quietHours: QuietHours("02:30-04:00"), timeZone: berlin)
        #expect(d.release(at: at("2026-03-29T00:59:00Z"), priority: .normal) == nil)
        let r = try #require(d.release(at: at("2026-03-29T01:10:00Z"), priority: .normal))
        #expect(r.periodStart == at("2026-03-29T01:00:00Z"))
        #expect(r.notBefore == at("2026-03-29T02:00:00Z"))
    }

    @Test func quietHoursParse() {
        #expect(QuietHours("23:00-06:00")?.description == "23:00-06:00")
        #expect(QuietHours("7:00-9:30")?.description == "07:00-09:30")
        #expect(QuietHours("23:00-23:00") == nil)
        #expect(QuietHours("23:00") == nil)
        #expect(QuietHours("25:00-06:00") == nil)
        #expect(QuietHours("23:00-06:00-07:00") == nil)
    }
}
