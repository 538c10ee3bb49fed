import Foundation
import NewswatchCore
import Testing

@Suite struct TimestampTests {
    @Test func formatsUTC() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_795_000_000.9)) == "2026-11-18T11:06:40Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
        #expect(
            Timestamp.format(Timestamp.date(year: 2000, month: 2, day: 29, hour: 23, minute: 59, second: 58))
                == "2000-02-29T23:59:58Z")
    }

    @Test func parsesWhatItFormats() {
        for t: Double in [0, 951_868_798, 1_795_000_000, -86_400 * 400] {
            let d = Date(timeIntervalSince1970: t)
            #expect(Timestamp.parse(Timestamp.format(d)) == d)
        }
        #expect(Timestamp.parse("2026-13-01T00:00:00Z") == nil)
        #expect(Timestamp.parse("2026-11-01 00:00:00Z") == nil)
    }
}

@Suite struct JSONValueTests {
    @Test func keepsOrderAndNulls() {
        let v = JSONValue.object([("b", .null), ("a", .array([.int(1), .string("x\"\n\u{1}é")]))])
        #expect(v.compact == #"{"b":null,"a":[1,"x\"\n\u0001é"]}"#)
    }

    @Test func roundTripsThroughFoundation() throws {
        let v = JSONValue.object([("t", .string("<script>\u{2028}")), ("n", .double(1.5)), ("e", .array([]))])
        let obj = try JSONSerialization.jsonObject(with: Data(v.pretty.utf8)) as? [String: Any]
        #expect(obj?["t"] as? String == "<script>\u{2028}")
        #expect(obj?["n"] as? Double == 1.5)
    }
}
