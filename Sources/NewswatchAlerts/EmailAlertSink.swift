import Foundation
import NewswatchCore
import NewswatchFetch
import NewswatchSystem

/// The `email` sink: a plain-text message per alert (or per batch) submitted over SMTP through the transport.
package struct EmailAlertSink: AlertSink {
    package let url: String
    package let from: String
    package let to: [String]
    package let username: String?
    /// `password_file`'s contents without the trailing newline.
    package let password: String?
    /// The config's `batch`: the dispatcher collects alerts for this long and delivers them as one
    /// ``SinkMessage/batch(_:)``; `nil` sends one message per alert.
    package let batch: Duration?
    package let requireTLS: Bool
    package let timeout: Duration
    private let transport: any AlertTransport
    private let now: @Sendable () -> Date

    package init(
        url: String, from: String, to: [String], username: String? = nil, password: String? = nil,
        batch: Duration? = nil, requireTLS: Bool = true, timeout: Duration = .seconds(30),
        transport: any AlertTransport, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.url = url
        self.from = from
        self.to = to
        self.username = username
        self.password = password
        self.batch = batch
        self.requireTLS = requireTLS
        self.timeout = timeout
        self.transport = transport
        self.now = now
    }

    package var type: String { "email" }
    package var displayName: String { SinkName.email(url: url) }

    /// The submission for `message`, dated `date`.
    package func submission(for message: SinkMessage, date: Date) -> MailRequest {
        let email = AlertPayload.email(message, from: from, to: to, date: date)
        return MailRequest(
            url: url, from: from, recipients: to, username: username, password: password, requireTLS: requireTLS,
            message: email.rendered, timeout: timeout.inSeconds)
    }

    package func deliver(_ message: SinkMessage) async throws(AlertSinkError) {
        do {
            try await transport.submit(submission(for: message, date: now()))
        } catch {
            throw AlertSinkError(.unreachable, sink: displayName, detail: AlertSinkError.detail(of: error))
        }
    }
}
