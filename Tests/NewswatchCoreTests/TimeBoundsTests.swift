import Foundation
import NewswatchCore
import Testing

/// Issue 19 item 1: conversions of outside times clamp instead of trapping.
@Suite struct TimeBoundsTests {
    @Test func secondsClampToTheFourDigitYears() {
        #expect(TimeBounds.seconds(1e22) == TimeBounds.latestSeconds)
        #expect(TimeBounds.seconds(-1e22) == TimeBounds.earliestSeconds)
        #expect(TimeBounds.seconds(.infinity) == TimeBounds.latestSeconds)
        #expect(TimeBounds.seconds(.nan) == 0)
        #expect(TimeBounds.seconds(1.9) == 1 && TimeBounds.seconds(-1.5) == -2)
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1e22)) == "9999-12-31T23:59:59Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -1e22)) == "0001-01-01T00:00:00Z")
    }

    @Test func datesAndIntegersSaturate() {
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        #expect(TimeBounds.date(now, adding: .greatestFiniteMagnitude).timeIntervalSince1970 == 253_402_300_799)
        #expect(TimeBounds.date(now, adding: .nan) == now)
        #expect(TimeBounds.date(now, adding: 60) == now.addingTimeInterval(60))
        #expect(TimeBounds.int(1e300) == Int.max && TimeBounds.int(-1e300) == Int.min)
        #expect(TimeBounds.int(Double(Int.max)) == Int.max && TimeBounds.int(.nan) == 0 && TimeBounds.int(-2.7) == -2)
    }

    @Test func millisecondsForTimeoutOptionsSaturate() {
        #expect(TimeBounds.milliseconds(30) == 30_000 && TimeBounds.milliseconds(0.0001) == 1)
        #expect(
            TimeBounds.milliseconds(0) == 0 && TimeBounds.milliseconds(-3) == 0 && TimeBounds.milliseconds(.nan) == 0)
        #expect(TimeBounds.milliseconds(1e300) == Int.max)
    }

    @Test func serverDelaysAreAtMostAWeek() {
        #expect(TimeBounds.serverDelay(1e22) == 7 * 86400)
        #expect(TimeBounds.serverDelay(-5) == 0 && TimeBounds.serverDelay(.nan) == 0)
        #expect(TimeBounds.serverDelay(120) == 120)
    }
}
