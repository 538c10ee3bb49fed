import Foundation
import NewswatchCore

/// Collects alerts for an email sink with `batch`: the first alert opens a batch, and the batch falls due
/// `window` later with everything that arrived meanwhile (CONTRACT §6 "one message per minute of alerts").
///
/// Pure logic over explicit times; the dispatcher delivers a due batch as ``SinkMessage/batch(_:)`` and
/// retries it whole. A single alert still goes as a batch of one, so the mail always looks the same.
package struct AlertBatcher: Sendable {
    package let window: TimeInterval
    private var pending: [Alert] = []
    private var openedAt: Date?

    package init(window: TimeInterval) {
        self.window = window
    }

    /// Adds `alert`, opening a batch at `time` if none is open.
    package mutating func add(_ alert: Alert, at time: Date) {
        if openedAt == nil { openedAt = time }
        pending.append(alert)
    }

    /// When the open batch falls due; `nil` when nothing is waiting.
    package var due: Date? { openedAt.map { $0.addingTimeInterval(window) } }

    /// How many alerts are waiting.
    package var count: Int { pending.count }

    /// The open batch if it is due at `time` (and a new batch starts empty); `nil` otherwise.
    package mutating func takeDue(at time: Date) -> [Alert]? {
        guard let due, due <= time else { return nil }
        return takeAll()
    }

    /// Everything waiting, due or not (for shutdown and `run --once`).
    package mutating func takeAll() -> [Alert] {
        defer {
            pending = []
            openedAt = nil
        }
        return pending
    }
}
