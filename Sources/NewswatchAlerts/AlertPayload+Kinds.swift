import Foundation
import NewswatchCore

// What an `update` or `spike` alert adds to a message, and how an operator event reads (CONTRACT §10).
extension AlertPayload {
    /// The line that says what changed: `Update: now 3 sources (was 1)` for an update, `Spike: 12 items in the
    /// last hour (usual for this hour: 2.1)` for a spike; `nil` for a new alert.
    package static func changeLine(_ alert: Alert) -> String? {
        switch alert.kind {
        case .new:
            return nil
        case .update:
            return "Update: now \(alert.sources) sources (was \(alert.extra.previousSources ?? 0))"
        case .spike:
            let baseline = String(format: "%.1f", alert.extra.baseline ?? 0)
            return "Spike: \(alert.extra.itemsLastHour ?? 0) items in the last hour (usual for this hour: \(baseline))"
        }
    }

    /// What a one-line headline (an email subject, an ntfy title) puts before the title: `Update (3 sources): `,
    /// `Spike: `, or nothing for a new alert.
    package static func kindPrefix(_ alert: Alert) -> String {
        switch alert.kind {
        case .new: return ""
        case .update: return "Update (\(alert.sources) sources): "
        case .spike: return ""
        }
    }

    /// The headline of an event: `Feed down: Example World`, `Feed recovered: …`, `Sink failing: …`.
    package static func eventTitle(_ event: OperatorEvent) -> String {
        switch event.kind {
        case .feedDown: return "Feed down: " + event.feed
        case .feedRecovered: return "Feed recovered: " + event.feed
        case .sinkFailing: return "Sink failing: " + event.feed
        }
    }

    /// An event as plain text: the headline, the URL, since when, the error.
    package static func eventText(_ event: OperatorEvent) -> String {
        var lines = [eventTitle(event)]
        if let url = event.url { lines.append(url) }
        let since = event.kind == .feedRecovered ? "Down since: " : "Since: "
        lines.append(since + Timestamp.format(event.since))
        if let error = event.error, !error.isEmpty { lines.append("Error: " + error) }
        return lines.joined(separator: "\n")
    }

    /// The email for an event.
    static func eventEmail(_ event: OperatorEvent, from: String, to: [String], date: Date) -> EmailMessage {
        EmailMessage(
            from: from, to: to, subject: "[newswatch] " + eventTitle(event), date: date,
            messageID: EmailMessage.messageID(local: "event." + event.id, from: from),
            body: eventText(event) + "\n", extraHeaders: [("X-Newswatch-Event", event.kind.rawValue)])
    }
}
