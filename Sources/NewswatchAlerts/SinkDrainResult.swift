/// What one drain of one sink did (for logs and tests).
package struct SinkDrainResult: Sendable, Equatable {
    /// Alerts delivered (a batch counts each of its alerts).
    package var delivered = 0
    /// Alerts held back by `max_per_hour` (covered by a summary message, marked delivered).
    package var heldBack = 0
    /// Alerts added to an open email batch.
    package var batched = 0
    /// Failed deliveries recorded (including those not tried because the sink had just failed).
    package var failed = 0
    /// Deliveries given up (24 h after detection).
    package var givenUp = 0
    /// Rate-limit summary messages sent.
    package var summaries = 0
    /// Network or process attempts made.
    package var attempts = 0

    package init() {}
}
