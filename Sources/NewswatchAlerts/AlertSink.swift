import Foundation
import NewswatchCore

/// A destination for alerts beyond the file sink: webhook, email or exec (CONTRACT §4).
///
/// The dispatcher drains the outbox for each sink independently: it asks the sink's ``SinkRateLimiter`` whether
/// an alert may go, calls ``deliver(_:)``, and on failure schedules the next attempt with ``SinkRetryPolicy``.
package protocol AlertSink: Sendable {
    /// `webhook`, `email` or `exec`, as in the config and in `status --json`.
    var type: String { get }
    /// A short name for logs, errors and status: the type and where it delivers (``SinkName``), never a token.
    var displayName: String { get }
    /// Delivers one message, or throws why it did not.
    func deliver(_ message: SinkMessage) async throws(AlertSinkError)
}

/// What a sink delivers.
package enum SinkMessage: Sendable, Equatable {
    /// One alert.
    case alert(Alert)
    /// Several alerts in one message (an email sink with `batch`), in detection order.
    case batch([Alert])
    /// One message for one topic and period (`delivery = "batch"`, quiet hours), each story once.
    case topicBatch(TopicBatch)
    /// The note that a topic's alerts were held back by `max_per_hour`.
    case summary(RateLimitSummary)
    /// An operator event (`feed_down`, `feed_recovered`, `sink_failing`).
    case event(OperatorEvent)
}
