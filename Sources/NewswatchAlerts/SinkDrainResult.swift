/// What one drain of one sink did (for logs and tests).
public struct SinkDrainResult: Sendable, Equatable {
    /// Alerts delivered (a batch counts each of its alerts).
    public var delivered = 0
    /// Alerts held back by `max_per_hour` (covered by a summary message, marked delivered).
    public var heldBack = 0
    /// Alerts added to an open email batch.
    public var batched = 0
    /// Failed deliveries recorded (including those not tried because the sink had just failed).
    public var failed = 0
    /// Deliveries given up (24 h after detection).
    public var givenUp = 0
    /// Rate-limit summary messages sent.
    public var summaries = 0
    /// Network or process attempts made.
    public var attempts = 0

    public init() {}
}
