import NewswatchSystem
import Testing

@Suite struct DurationSecondsTests {
    @Test func secondsKeepTheFraction() {
        #expect(Duration.seconds(90).inSeconds == 90)
        #expect(Duration.milliseconds(1500).inSeconds == 1.5)
        #expect(Duration.zero.inSeconds == 0)
    }

    @Test func millisecondsRoundTowardsZero() {
        #expect(Duration.seconds(2).inMilliseconds == 2000)
        #expect(Duration.microseconds(1999).inMilliseconds == 1)
        #expect(Duration.milliseconds(-1500).inMilliseconds == -1500)
    }
}
