import Foundation

// `NEWSWATCH_TEST_NOW` shifts detection times, schedules and retention: a stray one in production must not do that
// silently, so `run` logs and `status` prints this line whenever the variable is set.
extension OffsetClock {
    /// The warning to show when `NEWSWATCH_TEST_NOW` is set: the variable, its value and the offset it applies (or
    /// that an unreadable value is ignored); `nil` when it is not set.
    public static func environmentWarning(
        _ environment: [String: String] = ProcessInfo.processInfo.environment, now: Date = Date()
    ) -> String? {
        guard let text = environment[environmentVariable] else { return nil }
        // Only what an instant may hold is shown as is: the value comes from outside.
        let shown = String(
            text.prefix(40).map { $0.isASCII && ($0.isNumber || $0.isLetter || "-:+.".contains($0)) ? $0 : "?" })
        guard let start = Timestamp.parse(text) else {
            return "\(environmentVariable)=\(shown) is set but is not an instant YYYY-MM-DDTHH:MM:SSZ; ignored"
        }
        let offset = Int64(start.timeIntervalSince(now).rounded())
        let signed = offset >= 0 ? "+\(offset)" : "\(offset)"
        return "\(environmentVariable)=\(shown) is set: the clock is shifted by \(signed) s from the wall clock "
            + "(a test-only setting; unset it in production)"
    }
}
