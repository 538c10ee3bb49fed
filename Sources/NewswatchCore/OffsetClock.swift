import Foundation

/// The wall clock shifted by a fixed offset: time runs at its real pace from a chosen starting instant.
///
/// Test-only: the end-to-end tests set `NEWSWATCH_TEST_NOW` (see ``fromEnvironment(_:)``) to run the built binary at
/// a chosen time of day (quiet hours, batch periods) without waiting for it.
public struct OffsetClock: NewswatchClock {
    /// Seconds added to the wall clock.
    public let offset: TimeInterval

    /// A clock `offset` seconds ahead of the system's (negative: behind).
    public init(offset: TimeInterval) { self.offset = offset }

    /// A clock whose `now()` is `start` at this moment.
    public init(startingAt start: Date) { offset = start.timeIntervalSinceNow }

    /// The system time plus the offset.
    public func now() -> Date { Date().addingTimeInterval(offset) }

    /// Sleeps until the offset clock reads `deadline`.
    public func sleep(until deadline: Date) async throws {
        try await SystemClock().sleep(until: deadline.addingTimeInterval(-offset))
    }

    /// The environment variable the test clock is read from: an instant `YYYY-MM-DDTHH:MM:SSZ`. Test-only; never set
    /// it in production.
    public static let environmentVariable = "NEWSWATCH_TEST_NOW"

    /// The clock the daemon and `status` use: the wall clock, or, when `NEWSWATCH_TEST_NOW` holds an instant, a clock
    /// starting there.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        -> any NewswatchClock
    {
        guard let text = environment[environmentVariable], let start = Timestamp.parse(text) else {
            return SystemClock()
        }
        return OffsetClock(startingAt: start)
    }
}
