import Foundation
import NewswatchCore

/// The bodies the sinks send: alert JSON, Slack/Mattermost `{"text": …}`, and plain-text email.
package enum AlertPayload {
    // MARK: JSON

    /// The compact JSON a `json` webhook and an exec command receive: the alert record of CONTRACT §4,
    /// a JSON array of records for a batch, or the summary object (with `"type": "rate_limit_summary"`).
    package static func json(_ message: SinkMessage) -> Data {
        switch bounded(message) {
        case .alert(let alert): return Data(alert.json.compact.utf8)
        case .batch(let alerts): return Data(JSONValue.array(alerts.map(\.json)).compact.utf8)
        case .topicBatch(let batch): return Data(batch.json.compact.utf8)
        case .summary(let summary): return Data(summary.json.compact.utf8)
        case .event(let event): return Data(event.json.compact.utf8)
        }
    }

    // MARK: Slack / Mattermost

    /// The most text a `slack` batch carries before "… and N more alerts": under Mattermost's default post limit
    /// (16,383 characters), which a night's quiet-hours batch would pass (review 12); Slack takes 40,000.
    package static let maxSlackTextBytes = 12_000

    /// The `{"text": …}` body for a `slack` webhook (Slack and Mattermost incoming webhooks).
    package static func slack(_ message: SinkMessage) -> Data {
        Data(JSONValue.object([("text", .string(slackText(message)))]).compact.utf8)
    }

    /// The message text in Slack's markup: a bold `<link|title>` line, then topic, matched terms and feed.
    package static func slackText(_ message: SinkMessage) -> String {
        switch bounded(message) {
        case .alert(let alert): return slackText(alert)
        case .batch(let alerts):
            return chatBlocks(
                alerts, render: slackText, separator: "\n\n", more: slackEscape, limit: maxSlackTextBytes)
        case .topicBatch(let batch):
            return "*" + slackEscape(batch.heading) + "*\n\n"
                + chatBlocks(
                    batch.stories, render: slackText, separator: "\n\n", more: slackEscape, limit: maxSlackTextBytes)
        case .summary(let summary): return ":warning: " + slackEscape(summary.text)
        case .event(let event): return ":rotating_light: " + slackEscape(eventText(event))
        }
    }

    /// One alert as Slack markup:
    /// ```
    /// *<https://example.org/a|Strikes on Gaza &amp; talks>*
    /// Topic: Gaza war (priority high) · matched: Gaza Strip, Hamas
    /// Feed: Example World
    /// ```
    package static func slackText(_ alert: Alert) -> String {
        let title = alert.title.flatMap { $0.isEmpty ? nil : $0 }
        var headline: String
        switch (title, alert.link) {
        case (let title?, let link?): headline = "<" + slackURL(link) + "|" + slackEscape(title) + ">"
        case (let title?, nil): headline = slackEscape(title)
        case (nil, let link?): headline = "<" + slackURL(link) + ">"
        case (nil, nil): headline = "(untitled)"
        }
        var lines = ["*" + headline + "*"]
        var topicLine = "Topic: " + slackEscape(alert.topicName)
        if alert.priority != .normal { topicLine += " (priority \(alert.priority.rawValue))" }
        if !alert.terms.isEmpty { topicLine += " · matched: " + alert.terms.map(slackEscape).joined(separator: ", ") }
        lines.append(topicLine)
        if let change = changeLine(alert) { lines.append(slackEscape(change)) }
        var feedLine = "Feed: " + slackEscape(alert.feed)
        if alert.sources > 1 { feedLine += " (\(alert.sources) sources)" }
        lines.append(feedLine)
        return lines.joined(separator: "\n")
    }

    /// Escapes the three characters Slack reserves for markup: `&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;`; and
    /// breaks what Mattermost (which takes the same body) would turn into a mention or a link (`chatInert`).
    package static func slackEscape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in chatInert(text).unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// Feed text made inert where a chat renders Markdown: a word joiner (U+2060, invisible) after an `@` that
    /// starts a name and between `]` and `(`, so a headline's `@channel` or `@all` notifies nobody and its
    /// `[Click here](https://…)` is not a link with a text of the feed's choosing (review 12). The link an alert
    /// opens is always its own, shown apart.
    package static func chatInert(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "@") || $0 == UInt8(ascii: "]") }) else { return text }
        func isWordy(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic || ("0"..."9").contains(s) }
        var out = String.UnicodeScalarView()
        // The two scalars before this one: an `@` after a letter, a digit, `/` or `.` is an address or a URL's
        // path (`desk@example.org`, `https://medium.com/@author`), not a mention.
        var previous: Unicode.Scalar?
        var beforePrevious: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            if let p = previous {
                let mention =
                    p == "@" && isWordy(scalar)
                    && beforePrevious.map { !isWordy($0) && $0 != "/" && $0 != "." } ?? true
                if mention || (p == "]" && scalar == "(") { out.append("\u{2060}") }
            }
            out.append(scalar)
            beforePrevious = previous
            previous = scalar
        }
        return String(out)
    }

    /// A URL safe inside `<…|…>`: `&` escaped as Slack asks, and the characters that would end or split the
    /// link (`<`, `>`, `|`, spaces, controls) percent-encoded.
    static func slackURL(_ url: String) -> String {
        var out = ""
        for scalar in url.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<", ">", "|", " ", "\"":
                out += String(format: "%%%02X", scalar.value)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += String(format: "%%%02X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    // MARK: Email

    /// The email for `message`: one alert, a batch, or a summary.
    /// - Parameters:
    ///   - from: the `From:` address (also the Message-ID's domain).
    ///   - to: the `To:` addresses.
    ///   - date: the `Date:` header (the moment of sending).
    package static func email(_ message: SinkMessage, from: String, to: [String], date: Date) -> EmailMessage {
        switch bounded(message) {
        case .alert(let alert):
            return EmailMessage(
                from: from, to: to,
                subject: "[newswatch] \(alert.topicName): " + kindPrefix(alert) + displayTitle(alert), date: date,
                messageID: EmailMessage.messageID(local: "alert." + alert.id, from: from),
                body: emailBlock(alert) + "\n-- \nnewswatch alert \(alert.id), story \(alert.story)\n",
                extraHeaders: [("X-Newswatch-Topic", alert.topic), ("X-Newswatch-Priority", alert.priority.rawValue)])
        case .batch(let alerts):
            var counts: [(String, Int)] = []
            for alert in alerts {
                if let i = counts.firstIndex(where: { $0.0 == alert.topicName }) {
                    counts[i].1 += 1
                } else {
                    counts.append((alert.topicName, 1))
                }
            }
            let noun = alerts.count == 1 ? "alert" : "alerts"
            let subject =
                "[newswatch] \(alerts.count) \(noun): " + counts.map { "\($0.0) (\($0.1))" }.joined(separator: ", ")
            let ids = alerts.map(\.id).joined(separator: "\n")
            var body = "\(alerts.count) new \(noun)\n"
            for (i, alert) in alerts.enumerated() {
                body += "\n" + String(repeating: "=", count: 60) + "\n\(i + 1). " + emailBlock(alert)
            }
            body += "\n-- \nnewswatch alerts " + alerts.map(\.id).joined(separator: ", ") + "\n"
            return EmailMessage(
                from: from, to: to, subject: subject, date: date,
                messageID: EmailMessage.messageID(
                    local: "batch." + SHA256.hash(Array(ids.utf8)).prefix(12).lowercaseHex, from: from),
                body: body)
        case .topicBatch(let batch):
            return topicBatchEmail(batch, from: from, to: to, date: date)
        case .summary(let summary):
            let noun = summary.heldBack == 1 ? "alert" : "alerts"
            return EmailMessage(
                from: from, to: to, subject: "[newswatch] \(summary.heldBack) \(noun) for '\(summary.topic)' held back",
                date: date,
                messageID: EmailMessage.messageID(
                    local: "held.\(summary.topic).\(Int64(summary.until.timeIntervalSince1970))", from: from),
                body: summary.text
                    + "\n\nThe limit is the sink's max_per_hour; every alert is still in the alerts file.\n",
                extraHeaders: [("X-Newswatch-Topic", summary.topic)])
        case .event(let event):
            return eventEmail(event, from: from, to: to, date: date)
        }
    }

    private static func displayTitle(_ alert: Alert) -> String {
        if let title = alert.title, !title.isEmpty { return title }
        return alert.link ?? "(untitled)"
    }

    /// The plain-text description of one alert, shared by single and batched emails.
    static func emailBlock(_ alert: Alert) -> String {
        var text = displayTitle(alert) + "\n"
        if let link = alert.link { text += link + "\n" }
        text += "\n"
        if let change = changeLine(alert) { text += change + "\n" }
        text += "Topic:     \(alert.topicName) (\(alert.topic)), priority \(alert.priority.rawValue)\n"
        if !alert.terms.isEmpty { text += "Matched:   " + alert.terms.joined(separator: ", ") + "\n" }
        text += "Feed:      " + alert.feed + (alert.feedURL.map { " <\($0)>" } ?? "") + "\n"
        if let published = alert.published { text += "Published: " + Timestamp.format(published) + "\n" }
        text += "Detected:  " + Timestamp.format(alert.detected) + "\n"
        if alert.sources > 1 { text += "Sources:   \(alert.sources)\n" }
        if let summary = alert.summary, !summary.isEmpty { text += "\n" + summary + "\n" }
        return text
    }
}
