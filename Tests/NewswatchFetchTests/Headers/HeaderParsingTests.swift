import Foundation
import Testing

@testable import NewswatchFetch

/// The pure pieces of response handling: HTTP dates, Retry-After, header parameters.
@Suite struct HeaderParsingTests {
    static let sunday = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT

    @Test(arguments: [
        "Sun, 06 Nov 1994 08:49:37 GMT",  // IMF-fixdate
        "Sunday, 06-Nov-94 08:49:37 GMT",  // RFC 850
        "Sun Nov  6 08:49:37 1994",  // asctime
        "Sun, 6 Nov 1994 08:49:37 GMT",  // one-digit day
        "sun, 06 nov 1994 08:49:37 gmt",  // any case
        "06 Nov 1994 08:49:37 GMT",  // no weekday
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 06 Nov 1994 09:49:37 +0100",  // numeric zone
        "Sun, 06 Nov 1994 03:49:37 -0500",
    ])
    func parsesHTTPDates(_ text: String) {
        #expect(HTTPDate.parse(text) == Self.sunday)
    }

    @Test(arguments: [
        "", "0", "-1", "tomorrow", "Sun, 06 Nov 1994", "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 25:49:37 GMT", "Sun, 06 Nov 19945 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 PST",
        "2024-01-01T00:00:00Z",
    ])
    func rejectsOtherDates(_ text: String) {
        #expect(HTTPDate.parse(text) == nil)
    }

    @Test func twoDigitYearsFollowTheUsualPivot() {
        #expect(HTTPDate.parse("Monday, 01-Jan-24 00:00:00 GMT") == Date(timeIntervalSince1970: 1_704_067_200))
        #expect(HTTPDate.parse("Thursday, 01-Jan-70 00:00:00 GMT") == Date(timeIntervalSince1970: 0))
    }

    @Test func retryAfterInSeconds() {
        #expect(RetryAfter("120") == .seconds(120))
        #expect(RetryAfter(" 0 ") == .seconds(0))
        #expect(RetryAfter("120").map { $0.delay(from: Date()) } == 120)
    }

    /// Issue 19 item 1: `Retry-After: 99999999999999999999999` saturated to `Int.max`, and adding that to now
    /// trapped when the schedule was stored. Every server delay is capped at 7 days when it is read.
    @Test(arguments: ["99999999999999999999999", "9223372036854775807", "604801", "31536000"])
    func absurdRetryAfterSecondsAreCappedAtSevenDays(_ text: String) {
        let week = 7 * 86400
        #expect(RetryAfter(text) == .seconds(week))
        #expect(RetryAfter(text)?.delay(from: Self.sunday) == TimeInterval(week))
    }

    @Test func retryAfterDateFarAheadWaitsSevenDaysAtMost() {
        let value = RetryAfter("Fri, 31 Dec 9999 23:59:59 GMT")
        #expect(value?.delay(from: Self.sunday) == TimeInterval(7 * 86400))
        #expect(RetryAfter("604800") == .seconds(604_800))
    }

    @Test func retryAfterAsDate() {
        let value = RetryAfter("Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(value == .date(Self.sunday))
        #expect(value?.delay(from: Self.sunday.addingTimeInterval(-90)) == 90)
        #expect(value?.delay(from: Self.sunday.addingTimeInterval(60)) == 0)  // in the past: retry now
    }

    @Test(arguments: ["", "-5", "1.5", "soon", "120 seconds"])
    func retryAfterRejectsGarbage(_ text: String) {
        #expect(RetryAfter(text) == nil)
    }

    @Test func charsetFromContentType() {
        #expect(HeaderValues.charset(fromContentType: "application/rss+xml; charset=utf-8") == "utf-8")
        #expect(HeaderValues.charset(fromContentType: "text/xml;Charset=\"ISO-8859-1\"") == "ISO-8859-1")
        #expect(HeaderValues.charset(fromContentType: "text/xml; foo=bar; charset = windows-1252 ") == "windows-1252")
        #expect(HeaderValues.charset(fromContentType: "text/xml") == nil)
        #expect(HeaderValues.charset(fromContentType: "text/xml; charset=") == nil)
        #expect(HeaderValues.charset(fromContentType: "charset=utf-8") == nil)  // a parameter needs a type first
    }

    @Test func maxAgeFromCacheControl() {
        #expect(HeaderValues.maxAge(fromCacheControl: "max-age=300") == 300)
        #expect(HeaderValues.maxAge(fromCacheControl: "public, MAX-AGE=\"60\", must-revalidate") == 60)
        #expect(HeaderValues.maxAge(fromCacheControl: "s-maxage=10, no-cache") == nil)
        #expect(HeaderValues.maxAge(fromCacheControl: "max-age=-1") == nil)
        #expect(HeaderValues.maxAge(fromCacheControl: "no-store") == nil)
    }

    @Test(arguments: ["max-age=99999999999999999999999", "max-age=9223372036854775807", "max-age=604801"])
    func absurdMaxAgeIsCappedAtSevenDays(_ value: String) {
        #expect(HeaderValues.maxAge(fromCacheControl: value) == 7 * 86400)
    }

    @Test func expiresFarAheadIsCappedAtSevenDays() {
        let now = Self.sunday
        #expect(HeaderValues.expires("Fri, 31 Dec 9999 23:59:59 GMT", now: now) == now.addingTimeInterval(7 * 86400))
        #expect(HeaderValues.expires("Sun, 06 Nov 1994 09:49:37 GMT", now: now) == now.addingTimeInterval(3600))
    }

    @Test func invalidExpiresMeansAlreadyExpired() {
        #expect(HeaderValues.expires("0") == Date(timeIntervalSince1970: 0))
        #expect(HeaderValues.expires("Sun, 06 Nov 1994 08:49:37 GMT") == Self.sunday)
    }

    @Test func errorsCarryNoCredentials() {
        let error = FetchError(.connect, "failed", url: "http://u:secret@h/x")
        #expect(!error.description.contains("secret"))
    }

    @Test func errorMessagesAreOneLine() {
        let error = FetchError(.network, "first\nsecond\r\nthird", url: "http://h/")
        #expect(error.message == "first second third")
    }
}
