import Foundation

/// What one sink holds back at an instant (`status`, CONTRACT §10).
public struct SinkTiming: Sendable, Equatable {
    public var sink: String
    /// Deliveries waiting for the end of quiet hours.
    public var held: Int
    /// Deliveries waiting in an open batch period.
    public var batched: Int
    /// When the next held or batched message goes.
    public var nextBatch: Date?

    public init(sink: String, held: Int, batched: Int, nextBatch: Date?) {
        self.sink = sink
        self.held = held
        self.batched = batched
        self.nextBatch = nextBatch
    }
}
