import Foundation
import NewswatchCore

/// The `webhook` sink: an HTTP POST of the alert JSON or of a Slack/Mattermost `{"text": …}` body, optionally
/// signed with HMAC-SHA256 of the exact body (`X-Newswatch-Signature: sha256=<hex>`), or a message in the incoming
/// API of Teams, ntfy, Telegram or Matrix (`WebhookAlertSink+Services.swift`).
package struct WebhookAlertSink: AlertSink {
    /// The config's `format`.
    package enum Format: String, Sendable, CaseIterable {
        /// The alert record of CONTRACT §4.
        case json
        /// `{"text": …}` for Slack and Mattermost incoming webhooks.
        case slack
        /// A Teams incoming-webhook message with an Adaptive Card.
        case teams
        /// An ntfy publish: the text as body, `Title`, `Priority`, `Click`, `Tags` headers.
        case ntfy
        /// A Telegram Bot API `sendMessage` to `chatID`.
        case telegram
        /// A Matrix client-server `m.room.message` PUT into `room`.
        case matrix
    }

    /// The signature header's name.
    package static let signatureHeader = "X-Newswatch-Signature"

    package let url: String
    package let format: Format
    /// The HMAC key (`secret_file`'s contents without the trailing newline); `nil`: unsigned.
    package let secret: [UInt8]?
    package let timeout: Duration
    /// The access token (ntfy and Matrix `Authorization: Bearer`, Telegram's bot token in the path); never shown.
    package let token: String?
    /// Telegram's `chat_id`.
    package let chatID: String?
    /// Matrix's room id (`!abc:example.org`).
    package let room: String?
    private let transport: any AlertTransport

    package init(
        url: String, format: Format = .json, secret: [UInt8]? = nil, timeout: Duration = .seconds(30),
        token: String? = nil, chatID: String? = nil, room: String? = nil, transport: any AlertTransport
    ) {
        self.token = token
        self.chatID = chatID
        self.room = room
        self.url = url
        self.format = format
        self.secret = secret
        self.timeout = timeout
        self.transport = transport
    }

    /// The key in a `secret_file`: its bytes without trailing CR/LF (editors add a final newline).
    package static func secret(fromFileContents data: Data) -> [UInt8] {
        var bytes = Array(data)
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
        return bytes
    }

    package var type: String { "webhook" }
    package var displayName: String { SinkName.webhook(url: url) }

    /// The request for `message`: body, `Content-Type`, signature, and `X-Newswatch-Alert-ID` for a single alert
    /// (so a receiver can drop a retried duplicate).
    package func request(for message: SinkMessage) -> WebhookRequest {
        let body: Data
        switch format {
        case .json: body = AlertPayload.json(message)
        case .slack: body = AlertPayload.slack(message)
        case .teams, .ntfy, .telegram, .matrix: return serviceRequest(for: message)
        }
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json; charset=utf-8")]
        if let secret {
            headers.append((Self.signatureHeader, "sha256=" + HMACSHA256.hex(for: body, key: secret)))
        }
        if case .alert(let alert) = message { headers.append(("X-Newswatch-Alert-ID", alert.id)) }
        if case .topicBatch(let batch) = message { headers.append(("X-Newswatch-Batch-ID", batch.id)) }
        return WebhookRequest(url: url, headers: headers, body: body, timeout: timeout)
    }

    package func deliver(_ message: SinkMessage) async throws(AlertSinkError) {
        let response: WebhookResponse
        let request = request(for: message)
        do {
            response = try await transport.post(request)
        } catch {
            throw AlertSinkError(
                .unreachable, sink: displayName, detail: hidingSecrets(AlertSinkError.detail(of: error), request))
        }
        guard (200..<300).contains(response.status) else {
            // The receiver's own words help ("invalid_payload"), but it may echo the URL's token back.
            let snippet = String(decoding: response.bodyPrefix.prefix(200), as: UTF8.self)
            throw AlertSinkError(
                .rejected(status: response.status), sink: displayName,
                detail: hidingSecrets(snippet, request))
        }
    }
}
