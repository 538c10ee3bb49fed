import Foundation
import NewswatchCore
import Testing

@testable import NewswatchDigest

/// Digest periods with fixed dates in several zones, on both sides of DST changes (2026 transitions).
@Suite struct DigestScheduleTests {
    func schedule(_ time: String, _ zone: String) throws -> DigestSchedule {
        DigestSchedule(time: try #require(DigestTime(time)), timeZone: try #require(TimeZone(identifier: zone)))
    }

    func utc(_ text: String) throws -> Date { try #require(Timestamp.parse(text)) }

    func date(_ text: String) throws -> DigestDate { try #require(DigestDate(text)) }

    /// Asserts the period issued on `issue` runs from `start` to `end` (UTC) and has `buckets` hourly buckets.
    func expectPeriod(
        _ s: DigestSchedule, _ issue: String, _ start: String, _ end: String, hours: Double, buckets: Int,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let p = s.period(issuedOn: try date(issue))
        #expect(Timestamp.format(p.start) == start, sourceLocation: sourceLocation)
        #expect(Timestamp.format(p.end) == end, sourceLocation: sourceLocation)
        #expect(p.duration == hours * 3600, sourceLocation: sourceLocation)
        #expect(p.hourStarts.count == buckets, sourceLocation: sourceLocation)
        #expect(p.date.description == issue, sourceLocation: sourceLocation)
    }

    @Test func utcIsAlwaysTwentyFourHours() throws {
        let s = try schedule("07:00", "UTC")
        try expectPeriod(s, "2026-11-25", "2026-11-24T07:00:00Z", "2026-11-25T07:00:00Z", hours: 24, buckets: 24)
        try expectPeriod(s, "2026-03-01", "2026-02-28T07:00:00Z", "2026-03-01T07:00:00Z", hours: 24, buckets: 24)
        try expectPeriod(s, "2028-03-01", "2028-02-29T07:00:00Z", "2028-03-01T07:00:00Z", hours: 24, buckets: 24)
        try expectPeriod(s, "2027-01-01", "2026-12-31T07:00:00Z", "2027-01-01T07:00:00Z", hours: 24, buckets: 24)
    }

    @Test func newYorkAcrossBothChanges() throws {
        let s = try schedule("07:00", "America/New_York")
        // Spring forward 2026-03-08 02:00 EST → 03:00 EDT.
        try expectPeriod(s, "2026-03-07", "2026-03-06T12:00:00Z", "2026-03-07T12:00:00Z", hours: 24, buckets: 24)
        try expectPeriod(s, "2026-03-08", "2026-03-07T12:00:00Z", "2026-03-08T11:00:00Z", hours: 23, buckets: 23)
        try expectPeriod(s, "2026-03-09", "2026-03-08T11:00:00Z", "2026-03-09T11:00:00Z", hours: 24, buckets: 24)
        // Fall back 2026-11-01 02:00 EDT → 01:00 EST.
        try expectPeriod(s, "2026-11-01", "2026-10-31T11:00:00Z", "2026-11-01T12:00:00Z", hours: 25, buckets: 25)
        try expectPeriod(s, "2026-11-02", "2026-11-01T12:00:00Z", "2026-11-02T12:00:00Z", hours: 24, buckets: 24)
    }

    @Test func jerusalemAcrossBothChanges() throws {
        let s = try schedule("07:00", "Asia/Jerusalem")
        // Spring forward Friday 2026-03-27 02:00 IST → 03:00 IDT.
        try expectPeriod(s, "2026-03-27", "2026-03-26T05:00:00Z", "2026-03-27T04:00:00Z", hours: 23, buckets: 23)
        // Fall back Sunday 2026-10-25 02:00 IDT → 01:00 IST.
        try expectPeriod(s, "2026-10-25", "2026-10-24T04:00:00Z", "2026-10-25T05:00:00Z", hours: 25, buckets: 25)
        try expectPeriod(s, "2026-11-25", "2026-11-24T05:00:00Z", "2026-11-25T05:00:00Z", hours: 24, buckets: 24)
    }

    @Test func londonAcrossBothChanges() throws {
        let s = try schedule("07:00", "Europe/London")
        try expectPeriod(s, "2026-03-29", "2026-03-28T07:00:00Z", "2026-03-29T06:00:00Z", hours: 23, buckets: 23)
        try expectPeriod(s, "2026-10-25", "2026-10-24T06:00:00Z", "2026-10-25T07:00:00Z", hours: 25, buckets: 25)
    }

    @Test func lordHoweShiftsByHalfAnHour() throws {
        let s = try schedule("07:00", "Australia/Lord_Howe")
        // DST ends 2026-04-05 02:00 +11:00 → 01:30 +10:30: 24.5 hours, the last bucket half an hour.
        try expectPeriod(s, "2026-04-05", "2026-04-03T20:00:00Z", "2026-04-04T20:30:00Z", hours: 24.5, buckets: 25)
        // DST starts 2026-10-04 02:00 +10:30 → 02:30 +11:00: 23.5 hours.
        try expectPeriod(s, "2026-10-04", "2026-10-02T20:30:00Z", "2026-10-03T20:00:00Z", hours: 23.5, buckets: 24)
        let p = s.period(issuedOn: try date("2026-04-05"))
        #expect(Timestamp.format(p.hourStarts[24]) == "2026-04-04T20:00:00Z")
        #expect(p.hourIndex(of: try utc("2026-04-04T20:29:59Z")) == 24)
        #expect(p.hourIndex(of: try utc("2026-04-04T20:30:00Z")) == nil)
    }

    @Test func timeInTheSpringGapMeansTheTransition() throws {
        // 02:30 does not exist in New York on 2026-03-08: clocks go from 01:59:59 EST to 03:00 EDT (07:00Z).
        let ny = try schedule("02:30", "America/New_York")
        #expect(Timestamp.format(ny.instant(on: try date("2026-03-08"))) == "2026-03-08T07:00:00Z")
        try expectPeriod(ny, "2026-03-08", "2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z", hours: 23.5, buckets: 24)
        try expectPeriod(ny, "2026-03-09", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z", hours: 23.5, buckets: 24)
        // 01:30 does not exist in London on 2026-03-29 (01:00 GMT → 02:00 BST at 01:00Z).
        let london = try schedule("01:30", "Europe/London")
        #expect(Timestamp.format(london.instant(on: try date("2026-03-29"))) == "2026-03-29T01:00:00Z")
        // 02:15 does not exist at Lord Howe on 2026-10-04 (02:00 +10:30 → 02:30 +11:00 at 15:30Z the day before).
        let lh = try schedule("02:15", "Australia/Lord_Howe")
        #expect(Timestamp.format(lh.instant(on: try date("2026-10-04"))) == "2026-10-03T15:30:00Z")
    }

    @Test func ambiguousTimeMeansItsFirstOccurrence() throws {
        // 01:30 happens twice in New York on 2026-11-01: 05:30Z (EDT) and 06:30Z (EST).
        let ny = try schedule("01:30", "America/New_York")
        #expect(Timestamp.format(ny.instant(on: try date("2026-11-01"))) == "2026-11-01T05:30:00Z")
        // 01:45 happens twice at Lord Howe on 2026-04-05: 14:45Z (+11:00) and 15:15Z (+10:30) the day before.
        let lh = try schedule("01:45", "Australia/Lord_Howe")
        #expect(Timestamp.format(lh.instant(on: try date("2026-04-05"))) == "2026-04-04T14:45:00Z")
        // 01:30 happens twice in Jerusalem on 2026-10-25: 22:30Z (IDT) and 23:30Z (IST) the day before.
        let jlm = try schedule("01:30", "Asia/Jerusalem")
        #expect(Timestamp.format(jlm.instant(on: try date("2026-10-25"))) == "2026-10-24T22:30:00Z")
    }

    @Test func mostRecentlyCompletedPeriod() throws {
        let s = try schedule("07:00", "Asia/Jerusalem")
        // 07:00 IST = 05:00Z on 2026-11-25.
        #expect(s.mostRecentlyCompletedPeriod(at: try utc("2026-11-25T04:59:59Z")).date.description == "2026-11-24")
        #expect(s.mostRecentlyCompletedPeriod(at: try utc("2026-11-25T05:00:00Z")).date.description == "2026-11-25")
        #expect(s.mostRecentlyCompletedPeriod(at: try utc("2026-11-25T23:30:00Z")).date.description == "2026-11-25")
        // Local date already the 26th (01:30 IST), the 26th's digest not yet due.
        #expect(
            s.mostRecentlyCompletedPeriod(at: try utc("2026-11-25T23:30:00Z")).end == (try utc("2026-11-25T05:00:00Z")))
        // Across the fall-back: 2026-10-25's digest is due at 05:00Z.
        #expect(s.mostRecentlyCompletedPeriod(at: try utc("2026-10-25T04:00:00Z")).date.description == "2026-10-24")
        #expect(s.mostRecentlyCompletedPeriod(at: try utc("2026-10-25T05:00:00Z")).date.description == "2026-10-25")
        // A zone west of UTC: UTC date ahead of the local one.
        let ny = try schedule("23:30", "America/New_York")
        let p = ny.mostRecentlyCompletedPeriod(at: try utc("2026-11-25T04:29:00Z"))
        #expect(p.date.description == "2026-11-23")
        #expect(Timestamp.format(p.end) == "2026-11-24T04:30:00Z")
    }

    @Test func periodContainingAndNextDigest() throws {
        let s = try schedule("07:00", "America/New_York")
        let p = s.periodContaining(try utc("2026-03-08T10:59:59Z"))
        #expect(p.date.description == "2026-03-08")
        #expect(p.contains(try utc("2026-03-08T10:59:59Z")))
        // The digest instant itself starts the next period.
        #expect(s.periodContaining(try utc("2026-03-08T11:00:00Z")).date.description == "2026-03-09")
        #expect(Timestamp.format(s.nextDigestInstant(after: try utc("2026-03-08T11:00:00Z"))) == "2026-03-09T11:00:00Z")
        #expect(Timestamp.format(s.nextDigestInstant(after: try utc("2026-03-08T03:00:00Z"))) == "2026-03-08T11:00:00Z")
        // Every instant of a year falls in exactly the period whose bounds hold it, and periods tile time.
        for zone in ["UTC", "Asia/Jerusalem", "America/New_York", "Europe/London", "Australia/Lord_Howe"] {
            let z = try schedule("07:00", zone)
            var previous = z.period(issuedOn: try date("2025-12-31"))
            for day in 0..<366 {
                let next = z.period(issuedOn: previous.date.adding(days: 1))
                #expect(next.start == previous.end, "\(zone) \(next.date)")
                #expect([23, 24, 25].contains(Int(next.duration / 3600)), "\(zone) \(next.date)")
                let probe = next.start.addingTimeInterval(Double(day % 23) * 3600 + 17)
                #expect(z.periodContaining(probe) == next, "\(zone) \(next.date)")
                previous = next
            }
        }
    }

    @Test func missedDigestsSinceLastWritten() throws {
        let s = try schedule("07:00", "Europe/London")
        let now = try utc("2026-03-30T09:00:00Z")  // 10:00 BST: the 30th's digest is done
        let missed = s.missedPeriods(after: try date("2026-03-27"), now: now)
        #expect(missed.map(\.date.description) == ["2026-03-28", "2026-03-29", "2026-03-30"])
        #expect(missed.map(\.duration) == [86_400, 82_800, 86_400] as [TimeInterval])
        #expect(zip(missed, missed.dropFirst()).allSatisfy { $0.end == $1.start })
        // Nothing owed when the latest was written; nothing when "last written" is in the future.
        #expect(s.missedPeriods(after: try date("2026-03-30"), now: now).isEmpty)
        #expect(s.missedPeriods(after: try date("2026-04-02"), now: now).isEmpty)
        // Just before digest time the 30th is not owed yet.
        let early = try utc("2026-03-30T05:59:59Z")
        #expect(
            s.missedPeriods(after: try date("2026-03-27"), now: early).map(\.date.description)
                == ["2026-03-28", "2026-03-29"])
        // A long outage writes only the newest `limit` digests.
        let capped = s.missedPeriods(after: try date("2025-01-01"), now: now, limit: 3)
        #expect(capped.map(\.date.description) == ["2026-03-28", "2026-03-29", "2026-03-30"])
    }

    @Test func missedDigestsWithAnInjectedClock() async throws {
        // The daemon asks on start-up with its clock's time; a ManualClock stands in for the wall clock.
        let s = try schedule("07:00", "Asia/Jerusalem")
        let clock = ManualClock(start: try utc("2026-10-24T03:00:00Z"))
        #expect(s.missedPeriods(after: try date("2026-10-23"), now: clock.now()).isEmpty)
        clock.advance(by: 2 * 86_400)  // down across the fall-back day, started 2026-10-26 05:00 IST
        let missed = s.missedPeriods(after: try date("2026-10-23"), now: clock.now())
        #expect(missed.map(\.date.description) == ["2026-10-24", "2026-10-25"])
        #expect(missed.map(\.duration) == [86_400, 90_000] as [TimeInterval])
    }

    @Test func localDates() throws {
        let s = try schedule("07:00", "Australia/Lord_Howe")
        #expect(s.localDate(of: try utc("2026-11-24T12:59:59Z")).description == "2026-11-24")
        #expect(s.localDate(of: try utc("2026-11-24T13:00:00Z")).description == "2026-11-25")
        let ny = try schedule("07:00", "America/New_York")
        #expect(ny.localDate(of: try utc("2026-11-25T04:59:59Z")).description == "2026-11-24")
    }

    @Test func parsesTimesAndDates() {
        #expect(DigestTime("07:00")?.description == "07:00")
        #expect(DigestTime("7:05")?.description == "07:05")
        #expect(DigestTime("23:59")?.secondsIntoDay == 86_340)
        for bad in ["24:00", "07:60", "0700", "07:0", "", ":", "07:00:00", "-1:00", "ab:cd", "07:００"] {
            #expect(DigestTime(bad) == nil, "\(bad)")
        }
        #expect(DigestDate("2028-02-29")?.description == "2028-02-29")
        #expect(DigestDate("2026-11-25")?.weekday == 3)  // a Wednesday
        for bad in ["2026-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "26-11-25", "2026/11/25", "2026-11-31"] {
            #expect(DigestDate(bad) == nil, "\(bad)")
        }
        #expect(DigestDate("2026-12-31")?.adding(days: 1).description == "2027-01-01")
    }
}
