import Foundation
import NewswatchCore

// The requests of the chat services' documented incoming APIs (CONTRACT §10): method, URL, headers and body.
extension WebhookAlertSink {
    /// The request for a `teams`, `ntfy`, `telegram` or `matrix` sink.
    func serviceRequest(for message: SinkMessage) -> WebhookRequest {
        let message = AlertPayload.bounded(message)
        let json = ("Content-Type", "application/json; charset=utf-8")
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        switch format {
        case .teams:
            return WebhookRequest(url: url, headers: [json], body: AlertPayload.teams(message), timeout: timeout)
        case .ntfy:
            var headers = [("Content-Type", "text/plain; charset=utf-8")] + Self.ntfyHeaders(message)
            if let token { headers.append(("Authorization", "Bearer " + token)) }
            return WebhookRequest(
                url: url, headers: headers, body: Data(AlertPayload.chatText(message).utf8), timeout: timeout)
        case .telegram:
            return WebhookRequest(
                url: base + "/bot" + (token ?? "") + "/sendMessage", headers: [json],
                body: AlertPayload.telegram(message, chatID: chatID ?? ""), timeout: timeout)
        case .matrix:
            let path =
                "/_matrix/client/v3/rooms/" + Self.percentEncoded(room ?? "") + "/send/m.room.message/"
                + AlertPayload.matrixTransactionID(message)
            var headers = [json]
            if let token { headers.append(("Authorization", "Bearer " + token)) }
            return WebhookRequest(
                url: base + path, method: "PUT", headers: headers, body: AlertPayload.matrix(message),
                timeout: timeout)
        case .json, .slack:
            return request(for: message)
        }
    }

    /// ntfy's `Title`, `Priority` (`high` for a high-priority topic), `Click` (the link) and `Tags` headers.
    static func ntfyHeaders(_ message: SinkMessage) -> [(name: String, value: String)] {
        let alerts: [Alert]
        switch message {
        case .alert(let alert): alerts = [alert]
        case .batch(let batch): alerts = batch
        case .topicBatch(let batch):
            let priority = batch.alerts.contains { $0.priority == .high } ? "high" : "default"
            return [
                ("Title", headerText("newswatch: " + batch.heading)), ("Priority", priority),
                ("Tags", headerText("newspaper," + batch.topic)),
            ]
        case .summary(let summary):
            return [("Title", headerText("newswatch: alerts for '\(summary.topic)' held back")), ("Tags", "warning")]
        case .event(let event):
            return [("Title", headerText(AlertPayload.eventTitle(event))), ("Priority", "high"), ("Tags", "warning")]
        }
        var headers: [(name: String, value: String)] = []
        if alerts.count == 1, let alert = alerts.first {
            headers.append(("Title", headerText(AlertPayload.kindPrefix(alert) + AlertPayload.chatFields(alert).title)))
            if let link = alert.link { headers.append(("Click", headerURL(link))) }
        } else {
            headers.append(("Title", headerText("newswatch: \(alerts.count) new alerts")))
        }
        let priorities = Set(alerts.map(\.priority))
        let priority = priorities.contains(.high) ? "high" : priorities == [.low] ? "low" : "default"
        headers.append(("Priority", priority))
        var tags = ["newspaper"]
        for alert in alerts where !tags.contains(alert.topic) { tags.append(alert.topic) }
        headers.append(("Tags", headerText(tags.joined(separator: ","))))
        return headers
    }

    /// A header value: control characters become spaces (no header can be split), and text that is not plain
    /// ASCII is one RFC 2047 encoded word (`=?UTF-8?B?…?=`), which ntfy decodes (header values are Latin-1 on the
    /// wire, so raw UTF-8 would arrive garbled).
    static func headerText(_ text: String) -> String {
        let clean = String(
            String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
        if clean.unicodeScalars.allSatisfy({ $0.isASCII }) && !clean.contains("=?") { return clean }
        return "=?UTF-8?B?" + Data(clean.utf8).base64EncodedString() + "?="
    }

    /// A URL for a header: every byte outside visible ASCII percent-encoded.
    static func headerURL(_ url: String) -> String {
        var out = ""
        for byte in url.utf8 {
            if byte > 0x20 && byte < 0x7F {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// `text` with every character but the URL-unreserved ones (`A-Z a-z 0-9 - . _ ~`) percent-encoded, for one
    /// path segment (a Matrix room id `!abc:example.org` → `%21abc%3Aexample.org`).
    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default: out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// `text` (an error detail or a receiver's answer) with the request's URL path and query, the configured URL's,
    /// and the token itself hidden: Telegram's token is in the path, and a receiver may echo anything back.
    func hidingSecrets(_ text: String, _ request: WebhookRequest) -> String {
        var out = URLRedaction.hidingPathAndQuery(of: request.url, in: text)
        out = URLRedaction.hidingPathAndQuery(of: url, in: out)
        if let token, !token.isEmpty {
            out = out.replacingOccurrences(of: token, with: "<token>")
            if let encoded = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics), encoded != token {
                out = out.replacingOccurrences(of: encoded, with: "<token>")
            }
        }
        return out
    }
}
