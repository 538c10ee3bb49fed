import Foundation

/// Time conversions that clamp instead of trapping, and the bounds they clamp to.
///
/// Outside data names any number: a server's `Retry-After: 99999999999999999999999`, a feed's `<ttl>`, a config
/// duration. Swift's `Int64(_:)` and `Int(_:)` trap on a `Double` out of range, so one such response would kill the
/// daemon every time its feed came due. Every conversion of an outside time or duration goes through here.
public enum TimeBounds {
    /// The latest instant newswatch stores or prints: 9999-12-31T23:59:59Z (`Timestamp` writes four-digit years).
    public static let latestSeconds: Int64 = 253_402_300_799
    /// The earliest instant newswatch stores or prints: 0001-01-01T00:00:00Z.
    public static let earliestSeconds: Int64 = -62_135_596_800
    /// The longest a server can make newswatch wait with `Retry-After`, `Cache-Control: max-age`, `Expires` or an
    /// RSS `<ttl>`: 7 days. A feed that asks for longer is still polled weekly.
    public static let maximumServerDelay: TimeInterval = 7 * 86400

    /// Whole seconds since 1970 (rounded down) of `interval`, clamped to `earliestSeconds...latestSeconds`; NaN is 0.
    public static func seconds(_ interval: TimeInterval) -> Int64 {
        guard !interval.isNaN else { return 0 }
        if interval >= Double(latestSeconds) { return latestSeconds }
        if interval <= Double(earliestSeconds) { return earliestSeconds }
        return Int64(interval.rounded(.down))
    }

    /// Whole seconds since 1970 of `date`, clamped (see `seconds(_:)`).
    public static func seconds(of date: Date) -> Int64 { seconds(date.timeIntervalSince1970) }

    /// `date` moved by `interval` seconds, clamped to the instants newswatch can store; a NaN interval moves nothing.
    public static func date(_ date: Date, adding interval: TimeInterval) -> Date {
        let moved = date.timeIntervalSince1970 + (interval.isNaN ? 0 : interval)
        return Date(timeIntervalSince1970: min(max(moved, Double(earliestSeconds)), Double(latestSeconds)))
    }

    /// `value` rounded towards zero as an `Int`, saturating at `Int.min`/`Int.max`; NaN is 0.
    public static func int(_ value: Double) -> Int {
        guard !value.isNaN else { return 0 }
        // Double(Int.max) rounds up to 2^63, which `Int(_:)` cannot hold: compare against it exclusively.
        if value >= Double(Int.max) { return Int.max }
        if value <= Double(Int.min) { return Int.min }
        return Int(value)
    }

    /// `seconds` as whole milliseconds for a C timeout option: 0 for none (zero, negative or NaN), at least 1
    /// otherwise, saturating at `Int.max`.
    public static func milliseconds(_ seconds: TimeInterval) -> Int {
        guard seconds > 0 else { return 0 }
        return max(1, int((seconds * 1000).rounded()))
    }

    /// A server-given delay in seconds clamped to `0...maximumServerDelay`; NaN (no usable value) is 0.
    public static func serverDelay(_ seconds: Double) -> TimeInterval {
        guard !seconds.isNaN else { return 0 }
        return min(max(0, seconds), maximumServerDelay)
    }
}
