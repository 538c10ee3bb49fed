import Foundation
import NewswatchCore

// The chat formats' message text (ntfy, Telegram, Matrix): every message carries the title, link, topic, matched
// terms and sources. Built from the alert as it is, so a later alert kind (an `update`) can add its own lines here.
extension AlertPayload {
    /// The most UTF-8 bytes of alert text in one chat message: below ntfy's 4096-byte message limit and Telegram's
    /// 4096-character one, so a long batch is cut with "… and N more" rather than refused by the service.
    package static let maxChatTextBytes = 3_500

    /// The fields of one alert as chat lines show them (plain text, not escaped).
    package struct ChatFields: Sendable, Equatable {
        /// The title, or the link, or "(untitled)".
        package var title: String
        /// The http(s) link, if the alert has one that may be clicked.
        package var link: String?
        /// `Topic: Gaza war (priority high)`.
        package var topic: String
        /// `Matched: Gaza Strip, Hamas`; `nil` without terms.
        package var matched: String?
        /// `Sources: Example World (3 sources)`.
        package var sources: String

        /// What an update or a spike changed (``changeLine(_:)``); `nil` for a new alert.
        package var change: String? = nil

        /// Every line after the title, in order.
        package var detailLines: [String] {
            (change.map { [$0] } ?? []) + [topic] + (matched.map { [$0] } ?? []) + [sources]
        }
    }

    /// `alert` (bounded) as chat fields.
    package static func chatFields(_ alert: Alert) -> ChatFields {
        let alert = bounded(alert)
        let title = alert.title.flatMap { $0.isEmpty ? nil : $0 } ?? alert.link ?? "(untitled)"
        var topic = "Topic: " + alert.topicName
        if alert.priority != .normal { topic += " (priority \(alert.priority.rawValue))" }
        let matched = alert.terms.isEmpty ? nil : "Matched: " + alert.terms.joined(separator: ", ")
        var sources = "Sources: " + alert.feed
        if alert.sources > 1 { sources += " (\(alert.sources) sources)" }
        return ChatFields(
            title: title, link: alert.link, topic: topic, matched: matched, sources: sources, change: changeLine(alert))
    }

    /// One alert as plain text: the title, the link, then topic, matched terms and sources.
    package static func chatText(_ alert: Alert) -> String {
        let fields = chatFields(alert)
        return ([fields.title] + (fields.link.map { [$0] } ?? []) + fields.detailLines).joined(separator: "\n")
    }

    /// The plain text of `message`: one alert, a batch (blocks separated by a blank line, cut to
    /// ``maxChatTextBytes``), or the rate-limit summary.
    package static func chatText(_ message: SinkMessage) -> String {
        switch message {
        case .alert(let alert): return chatText(alert)
        case .batch(let alerts): return chatBlocks(alerts, render: chatText, separator: "\n\n", more: { $0 })
        case .topicBatch(let batch):
            return batch.heading + "\n\n" + chatBlocks(batch.stories, render: chatText, separator: "\n\n", more: { $0 })
        case .summary(let summary): return "⚠ " + summary.text
        case .event(let event): return "⚠ " + eventText(event)
        }
    }

    /// The alerts rendered one by one and joined while they fit `limit` bytes; the rest becomes one
    /// "… and N more alerts" line (`more` formats it, e.g. escaped for HTML).
    static func chatBlocks(
        _ alerts: [Alert], render: (Alert) -> String, separator: String, more: (String) -> String,
        limit: Int = maxChatTextBytes
    ) -> String {
        var out = ""
        for (i, alert) in alerts.enumerated() {
            let block = render(alert)
            let next = out.isEmpty ? block : out + separator + block
            if i > 0 && next.utf8.count > limit {
                let rest = alerts.count - i
                return out + separator
                    + more("… and \(rest) more \(rest == 1 ? "alert" : "alerts") (in the alerts file)")
            }
            out = next
        }
        return out
    }

    /// Escapes text for HTML (Telegram's `parse_mode = HTML`, Matrix's `formatted_body`): `&`, `<`, `>`, `"`.
    package static func htmlEscape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// One alert as HTML: a bold linked title, then the detail lines, joined by `newline` (`\n` for Telegram,
    /// `<br>` for Matrix).
    package static func chatHTML(_ alert: Alert, newline: String) -> String {
        let fields = chatFields(alert)
        let title = htmlEscape(fields.title)
        let headline = fields.link.map { "<a href=\"\(htmlEscape($0))\">\(title)</a>" } ?? title
        return (["<b>" + headline + "</b>"] + fields.detailLines.map(htmlEscape)).joined(separator: newline)
    }

    /// The HTML of `message` (see ``chatHTML(_:newline:)``).
    package static func chatHTML(_ message: SinkMessage, newline: String) -> String {
        switch message {
        case .alert(let alert): return chatHTML(alert, newline: newline)
        case .batch(let alerts):
            return chatBlocks(
                alerts, render: { chatHTML($0, newline: newline) }, separator: newline + newline, more: htmlEscape)
        case .topicBatch(let batch):
            return "<b>" + htmlEscape(batch.heading) + "</b>" + newline + newline
                + chatBlocks(
                    batch.stories, render: { chatHTML($0, newline: newline) }, separator: newline + newline,
                    more: htmlEscape)
        case .summary(let summary): return htmlEscape("⚠ " + summary.text)
        case .event(let event): return htmlEscape("⚠ " + eventText(event)).replacingOccurrences(of: "\n", with: newline)
        }
    }
}
