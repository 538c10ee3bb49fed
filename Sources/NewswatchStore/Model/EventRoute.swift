import Foundation
import NewswatchCore

/// One sink that receives operator events, and which kinds (CONTRACT §10 `events`).
public struct EventRoute: Sendable, Hashable {
    /// The sink's outbox id (`file` for the events file).
    public var id: String
    /// The kinds it asked for.
    public var kinds: Set<OperatorEventKind>

    public init(id: String, kinds: Set<OperatorEventKind>) {
        self.id = id
        self.kinds = kinds
    }

    /// The events file: every kind.
    public static let file = EventRoute(id: SinkRoute.fileSinkID, kinds: Set(OperatorEventKind.allCases))
}

/// One operator event owed to one sink.
public struct PendingEvent: Sendable, Equatable {
    /// The event.
    public var event: OperatorEvent
    /// Failed attempts so far.
    public var attempts: Int

    public init(event: OperatorEvent, attempts: Int) {
        self.event = event
        self.attempts = attempts
    }
}

/// A sink whose oldest owed alert has failed and waited since `since` (the `sink_failing` rule).
public struct FailingSink: Sendable, Equatable {
    /// The sink's outbox id.
    public var sink: String
    /// When its oldest owed alert was detected.
    public var since: Date
    /// That delivery's last error.
    public var error: String?

    public init(sink: String, since: Date, error: String?) {
        self.sink = sink
        self.since = since
        self.error = error
    }
}
