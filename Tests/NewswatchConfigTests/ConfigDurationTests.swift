import NewswatchConfig
import Testing

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
