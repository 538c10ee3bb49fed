/// Conversions of a `Duration` for C APIs, log fields and `TimeInterval` arithmetic.
extension Duration {
    /// The duration in seconds, with its fraction (attosecond precision rounded to a `Double`).
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// The duration in whole milliseconds, rounded towards zero.
    public var inMilliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
