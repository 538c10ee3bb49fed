import Foundation
import NewswatchCore
import Testing

@Suite struct TimestampTests {
    @Test func formatsUTC() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_795_000_000.9)) == "2026-11-18T11:06:40Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
        #expect(Timestamp.format(Timestamp.date(year: 2000, month: 2, day: 29, hour: 23, minute: 59, second: 58))
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

@Suite struct ConfigDurationTests {
    @Test func parsesUnits() {
        #expect(ConfigDuration("90s")?.seconds == 90)
        #expect(ConfigDuration("10m")?.seconds == 600)
        #expect(ConfigDuration("6h")?.seconds == 21_600)
        #expect(ConfigDuration("30d")?.seconds == 2_592_000)
        #expect(ConfigDuration("1h30m")?.seconds == 5_400)
        #expect(ConfigDuration("1h30m")?.description == "90m")
    }

    @Test func rejectsNonsense() {
        for bad in ["", "10", "m", "10x", "1.5h", "-5m", "10 minutes", "99999999999999999999d"] {
            #expect(ConfigDuration(bad) == nil, "\(bad)")
        }
    }

    @Test func byteSizes() {
        #expect(ByteSize("10MiB")?.bytes == 10 << 20)
        #expect(ByteSize("512 KiB")?.bytes == 512 << 10)
        #expect(ByteSize("2MB")?.bytes == 2_000_000)
        #expect(ByteSize("10MiB")?.description == "10MiB")
        #expect(ByteSize("ten") == nil)
        #expect(ByteSize("5PiB") == nil)
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
