import Foundation
import NewswatchCore

/// One alert owed to one sink.
public struct PendingDelivery: Sendable, Equatable {
    public var alert: Alert
    public var sink: String
    /// Failed attempts so far.
    public var attempts: Int
    /// The last attempt's error, if any.
    public var lastError: String?
    /// When a timed delivery (batch, quiet hours) may go and the period it belongs to; `nil`: at once.
    public var release: TopicDelivery.Release?

    public init(
        alert: Alert, sink: String, attempts: Int, lastError: String?, release: TopicDelivery.Release? = nil
    ) {
        self.alert = alert
        self.sink = sink
        self.attempts = attempts
        self.lastError = lastError
        self.release = release
    }
}

/// Where one alert stands with one sink.
public enum DeliveryState: String, Sendable, Equatable {
    case pending
    case delivered
    case givenUp = "given_up"
}

/// Outbox counts for one sink (`status`).
public struct SinkSummary: Sendable, Equatable {
    public var sink: String
    public var pending: Int
    public var givenUp: Int

    public init(sink: String, pending: Int, givenUp: Int) {
        self.sink = sink
        self.pending = pending
        self.givenUp = givenUp
    }
}
