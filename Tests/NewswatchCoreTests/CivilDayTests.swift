import Foundation
import Testing

@testable import NewswatchCore

/// `CivilDay` gives the day and the start of day `Calendar` gives (issue 18: the daemon no longer loads ICU's
/// calendar data for them), in fixed and daylight-saving zones, also where a transition skips midnight.
@Suite struct CivilDayTests {
    static let zones = [
        "UTC", "GMT", "Europe/Berlin", "Asia/Jerusalem", "America/Santiago", "America/Havana", "Asia/Kolkata",
        "Pacific/Chatham", "America/St_Johns", "Australia/Lord_Howe",
    ]

    private func calendar(_ zone: TimeZone) -> Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = zone
        return c
    }

    /// Every 7 hours 13 minutes over 2020–2027, plus the seconds around each day's start.
    private var instants: [Date] {
        stride(from: 1_577_836_800.0, to: 1_830_297_600.0, by: 26_017).map { Date(timeIntervalSince1970: $0) }
    }

    @Test(arguments: zones)
    func theDayIsCalendars(_ name: String) throws {
        let zone = try #require(name == "UTC" ? TimeZone.gmt : TimeZone(identifier: name))
        let cal = calendar(zone)
        for instant in instants {
            let c = cal.dateComponents([.year, .month, .day], from: instant)
            let expected = String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
            #expect(CivilDay(instant, in: zone).text == expected, "\(name) \(instant)")
        }
    }

    @Test(arguments: zones)
    func theStartOfTheDayIsCalendars(_ name: String) throws {
        let zone = try #require(TimeZone(identifier: name))
        let cal = calendar(zone)
        for instant in instants {
            #expect(
                CivilDay(instant, in: zone).start(in: zone) == cal.startOfDay(for: instant), "\(name) \(instant)")
        }
    }

    @Test func daysBeforeTheEpochAndTheirText() {
        #expect(CivilDay(Date(timeIntervalSince1970: -1), in: .gmt).text == "1969-12-31")
        #expect(CivilDay(Date(timeIntervalSince1970: 0), in: .gmt).text == "1970-01-01")
        #expect(CivilDay(Date(timeIntervalSince1970: 951_782_400), in: .gmt).text == "2000-02-29")
        #expect(CivilDay(Date(timeIntervalSince1970: 1_790_000_000), in: .gmt).text == "2026-09-21")
    }
}
