import Foundation
import NewswatchCore
import Testing

@testable import NewswatchParse

@Suite struct FeedDateTests {
    /// Three-letter month and weekday names take a packed-key path, longer ones the name lists: both read alike.
    @Test func monthAndWeekdayNamesShortAndLong() {
        let months = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September",
            "October", "November", "December",
        ]
        for (k, name) in months.enumerated() {
            let expected = utc(String(format: "2025-%02d-09T11:07:23Z", k + 1))
            for word in [name, String(name.prefix(3)), name.uppercased(), String(name.prefix(3)).lowercased()] {
                #expect(FeedDate.parse("Sun, 09 \(word) 2025 11:07:23 GMT") == expected, "\(word)")
                #expect(FeedDate.parse("2025 \(word) 09 11:07:23 GMT") == expected, "\(word)")
            }
        }
        #expect(FeedDate.parse("Sun, 09 Sept 2025 11:07:23 GMT") == utc("2025-09-09T11:07:23Z"))
        for weekday in ["Mon", "tue", "WED", "Thu", "Fri", "Sat", "Sun", "Tues", "Thurs", "Wednesday"] {
            #expect(FeedDate.parse("\(weekday), 09 Feb 2025 11:07:23 GMT") == utc("2025-02-09T11:07:23Z"), "\(weekday)")
        }
        for unreadable in [
            "Fox, 09 Feb 2025 11:07:23 GMT", "Sun, 09 Fe 2025", "Sun, 09 Febr 2025", "Sun, 09 Feb",
            "Sun, 09 Feb 2025 2026", "Sun, Feb 2025", "Sun, 09 Feb Mar 2025",
        ] {
            #expect(FeedDate.parse(unreadable) == nil, "\(unreadable)")
        }
    }

    static let readable: [(String, String)] = [
        // RFC 822 / 1123 and real-world variants
        ("Sun, 09 Feb 2025 11:07:23 GMT", "2025-02-09T11:07:23Z"),
        ("Sun, 09 Feb 2025 11:07:23 +0200", "2025-02-09T09:07:23Z"),
        ("Sun, 09 Feb 2025 11:07:23 -0500", "2025-02-09T16:07:23Z"),
        ("09 Feb 2025 11:07:23 GMT", "2025-02-09T11:07:23Z"),
        ("Sun, 9 Feb 2025 11:07 GMT", "2025-02-09T11:07:00Z"),
        ("Sun, 09 Feb 25 11:07:23 GMT", "2025-02-09T11:07:23Z"),
        ("Tue, 09 Feb 99 11:07:23 GMT", "1999-02-09T11:07:23Z"),
        ("Sun, 09 Feb 2025 11:07:23 EST", "2025-02-09T16:07:23Z"),
        ("Sun, 09 Feb 2025 11:07:23 PDT", "2025-02-09T18:07:23Z"),
        ("Sun, 09 Feb 2025 11:07:23 UT", "2025-02-09T11:07:23Z"),
        ("Sun, 09 Feb 2025 11:07:23 Z", "2025-02-09T11:07:23Z"),
        ("Sun, 09 Feb 2025 11:07:23 A", "2025-02-09T12:07:23Z"),
        ("Sun, 09 Feb 2025 11:07:23 N", "2025-02-09T10:07:23Z"),
        ("Sun, 09 Feb 2025 11:07:23", "2025-02-09T11:07:23Z"),
        ("  sun,   09   feb 2025   11:07:23   gmt  ", "2025-02-09T11:07:23Z"),
        ("SUN, 09 FEB 2025 11:07:23 GMT", "2025-02-09T11:07:23Z"),
        ("Sunday, 09 February 2025 11:07:23 GMT", "2025-02-09T11:07:23Z"),
        ("Sun, 09 Feb 2025 11:07:23 GMT+0200", "2025-02-09T09:07:23Z"),
        ("Sun, 09 Feb 2025 11:07:23 +02:00", "2025-02-09T09:07:23Z"),
        ("Sun Feb  9 11:07:23 2025", "2025-02-09T11:07:23Z"),
        ("09-Feb-2025 11:07:23 GMT", "2025-02-09T11:07:23Z"),
        ("Sun, 09 Feb 2025", "2025-02-09T00:00:00Z"),
        ("Sun, 09 Feb 2025 11:07:23 CEST", "2025-02-09T09:07:23Z"),
        // RFC 3339 / ISO 8601
        ("2025-02-09T11:07:23Z", "2025-02-09T11:07:23Z"),
        ("2025-02-09T11:07:23.123456Z", "2025-02-09T11:07:23Z"),
        ("2025-02-09T11:07:23+02:00", "2025-02-09T09:07:23Z"),
        ("2025-02-09T11:07:23-0330", "2025-02-09T14:37:23Z"),
        ("2025-02-09T11:07:23+02", "2025-02-09T09:07:23Z"),
        ("2025-02-09T11:07Z", "2025-02-09T11:07:00Z"),
        ("2025-02-09 11:07:23", "2025-02-09T11:07:23Z"),
        ("2025-02-09t11:07:23z", "2025-02-09T11:07:23Z"),
        ("2025-02-09T11:07:23", "2025-02-09T11:07:23Z"),
        ("2025-02-09 11:07:23 UTC", "2025-02-09T11:07:23Z"),
        ("20250209T110723Z", "2025-02-09T11:07:23Z"),
        ("2025-02-09T24:00:00Z", "2025-02-10T00:00:00Z"),
        ("2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z"),
        // W3C-DTF partial dates: their first instant
        ("2003", "2003-01-01T00:00:00Z"),
        ("2003-12", "2003-12-01T00:00:00Z"),
        ("2003-12-13", "2003-12-13T00:00:00Z"),
    ]

    @Test(arguments: readable)
    func reads(_ input: String, _ expected: String) {
        let date = FeedDate.parse(input)
        #expect(date.map(Timestamp.format) == expected, Comment(rawValue: input))
    }

    static let unreadable = [
        "", "   ", "yesterday", "not a date", "2025-13-01", "2025-02-30T00:00:00Z", "2023-02-29",
        "Sun, 32 Feb 2025 11:07:23 GMT", "Sun, 09 Foo 2025 11:07:23 GMT", "Sun, 09 Feb 2025 25:07:23 GMT",
        "Sun, 09 Feb 2025 11:07:23 XYZ", "Sun, 09 Feb 2025 11:07:23 IST", "2025-02-09T11:07:23+25:00",
        "2025-02-09T11:07:23 garbage", "09/02/2025", "1738000000",
    ]

    @Test(arguments: unreadable)
    func rejects(_ input: String) {
        #expect(FeedDate.parse(input) == nil, "\(input)")
    }

    /// Numeric zone offsets of one to four digits, with or without a colon, after a zone name or alone.
    @Test func numericOffsetsOfEveryLength() {
        let base = "Sun, 09 Feb 2025 11:07:23 "
        let readable = [
            ("+5", "2025-02-09T06:07:23Z"), ("-05", "2025-02-09T16:07:23Z"), ("+530", "2025-02-09T05:37:23Z"),
            ("+0530", "2025-02-09T05:37:23Z"), ("+05:30", "2025-02-09T05:37:23Z"), ("GMT-3", "2025-02-09T14:07:23Z"),
            ("UTC+0545", "2025-02-09T05:22:23Z"), ("+14", "2025-02-08T21:07:23Z"),
        ]
        for (zone, expected) in readable {
            #expect(FeedDate.parse(base + zone).map(Timestamp.format) == expected, "\(zone)")
        }
        for zone in ["+12345", "+15", "+0560", "+1:30", "+05::30", "GMT+123456"] {
            #expect(FeedDate.parse(base + zone) == nil, "\(zone)")
        }
    }
}
