import Foundation
import NewswatchCore

// The request bodies of the chat services' documented incoming APIs: a Teams incoming-webhook message with an
// Adaptive Card, a Telegram Bot API `sendMessage`, a Matrix `m.room.message` event.
extension AlertPayload {
    /// The most bytes of Adaptive Card elements in one Teams message (Teams refuses messages over about 28 KB).
    package static let maxTeamsCardBytes = 20_000

    // MARK: Teams

    /// `{"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
    /// "content": <AdaptiveCard 1.4>}]}`: per alert a bold title, a fact set (topic, matched, sources) and an
    /// "Open" button.
    package static func teams(_ message: SinkMessage) -> Data {
        var elements: [JSONValue] = []
        switch message {
        case .alert(let alert): elements = [teamsContainer(alert, separator: false)]
        case .topicBatch(let batch):
            elements = [teamsText(batch.heading, bold: true)] + teamsElements(batch.stories)
        case .batch(let alerts): elements = teamsElements(alerts)
        case .summary(let summary): elements = [teamsText("⚠ " + summary.text)]
        case .event(let event): elements = [teamsText("⚠ " + eventText(event))]
        }
        let card = JSONValue.object([
            ("$schema", .string("http://adaptivecards.io/schemas/adaptive-card.json")),
            ("type", .string("AdaptiveCard")),
            ("version", .string("1.4")),
            ("body", .array(elements)),
        ])
        let attachment = JSONValue.object([
            ("contentType", .string("application/vnd.microsoft.card.adaptive")),
            ("contentUrl", .null),
            ("content", card),
        ])
        return Data(
            JSONValue.object([("type", .string("message")), ("attachments", .array([attachment]))]).compact.utf8)
    }

    /// One container per alert while the card stays under ``maxTeamsCardBytes``, then "… and N more alerts".
    private static func teamsElements(_ alerts: [Alert]) -> [JSONValue] {
        var elements: [JSONValue] = []
        var bytes = 0
        for (i, alert) in alerts.enumerated() {
            let element = teamsContainer(alert, separator: i > 0)
            bytes += element.compact.utf8.count
            if i > 0 && bytes > maxTeamsCardBytes {
                let rest = alerts.count - i
                elements.append(teamsText("… and \(rest) more \(rest == 1 ? "alert" : "alerts") (in the alerts file)"))
                break
            }
            elements.append(element)
        }
        return elements
    }

    private static func teamsText(_ text: String, bold: Bool = false) -> JSONValue {
        var block: [(String, JSONValue)] = [
            ("type", .string("TextBlock")), ("text", .string(chatInert(text))), ("wrap", .bool(true)),
        ]
        if bold { block += [("weight", .string("Bolder")), ("size", .string("Medium"))] }
        return .object(block)
    }

    private static func teamsContainer(_ alert: Alert, separator: Bool) -> JSONValue {
        let fields = chatFields(alert)
        func fact(_ line: String) -> JSONValue {
            // "Topic: Gaza war" → {"title": "Topic", "value": "Gaza war"}
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let value = parts.count > 1 ? chatInert(parts[1]) : ""
            return .object([("title", .string(parts[0])), ("value", .string(value))])
        }
        var items: [JSONValue] = [
            teamsText(fields.title, bold: true),
            .object([("type", .string("FactSet")), ("facts", .array(fields.detailLines.map(fact)))]),
        ]
        if let link = fields.link {
            let open = JSONValue.object([
                ("type", .string("Action.OpenUrl")), ("title", .string("Open")), ("url", .string(link)),
            ])
            items.append(.object([("type", .string("ActionSet")), ("actions", .array([open]))]))
        }
        return .object([("type", .string("Container")), ("separator", .bool(separator)), ("items", .array(items))])
    }

    // MARK: Telegram

    /// The `sendMessage` body: `chat_id` (a number when it is one, else the `@channel` name), the HTML `text`,
    /// `parse_mode = "HTML"`.
    package static func telegram(_ message: SinkMessage, chatID: String) -> Data {
        let chat: JSONValue = Int(chatID).map { .int($0) } ?? .string(chatID)
        return Data(
            JSONValue.object([
                ("chat_id", chat), ("text", .string(chatHTML(message, newline: "\n"))), ("parse_mode", .string("HTML")),
            ]).compact.utf8)
    }

    // MARK: Matrix

    /// The `m.room.message` event content: `msgtype = "m.text"`, the plain `body`, and the same as
    /// `org.matrix.custom.html` in `formatted_body`.
    package static func matrix(_ message: SinkMessage) -> Data {
        Data(
            JSONValue.object([
                ("msgtype", .string("m.text")), ("body", .string(matrixBody(message))),
                ("format", .string("org.matrix.custom.html")),
                ("formatted_body", .string(chatHTML(message, newline: "<br>"))),
            ]).compact.utf8)
    }

    /// The plain `body`: `@room` in it notifies the whole room (when the bot may), so a headline's must not; the link
    /// lines stay as they are (a word joiner would break a URL with `@` in its query).
    static func matrixBody(_ message: SinkMessage) -> String {
        chatText(message).split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix("http://") || line.hasPrefix("https://") ? String(line) : chatInert(String(line))
        }.joined(separator: "\n")
    }

    /// The Matrix transaction id of `message`: the same for the same message (so a retry is deduplicated by the
    /// homeserver), different for different messages; only URL-unreserved characters.
    package static func matrixTransactionID(_ message: SinkMessage) -> String {
        let key: String
        switch message {
        case .alert(let alert): key = "alert\n" + alert.id
        case .batch(let alerts): key = "batch\n" + alerts.map(\.id).joined(separator: "\n")
        case .topicBatch(let batch): key = "topic-" + batch.key
        case .summary(let s): key = "held\n\(s.topic)\n\(Int64(s.until.timeIntervalSince1970))"
        case .event(let e): key = "event\n" + e.id
        }
        return "newswatch-" + SHA256.hash(Array(key.utf8)).prefix(16).lowercaseHex
    }
}
