import Foundation
import NewswatchCore

/// The `email` sink: a plain-text message per alert (or per batch) submitted over SMTP through the transport.
public struct EmailAlertSink: AlertSink {
    public let url: String
    public let from: String
    public let to: [String]
    public let username: String?
    /// `password_file`'s contents without the trailing newline.
    public let password: String?
    /// The config's `batch`: the dispatcher collects alerts for this long and delivers them as one
    /// ``SinkMessage/batch(_:)``; `nil` sends one message per alert.
    public let batch: Duration?
    public let requireTLS: Bool
    public let timeout: Duration
    private let transport: any AlertTransport
    private let now: @Sendable () -> Date

    public init(
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

    public var type: String { "email" }
    public var displayName: String { SinkName.email(url: url) }

    /// The submission for `message`, dated `date`.
    public func submission(for message: SinkMessage, date: Date) -> MailSubmission {
        let email = AlertPayload.email(message, from: from, to: to, date: date)
        return MailSubmission(
            url: url, from: from, recipients: to, username: username, password: password, requireTLS: requireTLS,
            message: email.rendered, timeout: timeout)
    }

    public func deliver(_ message: SinkMessage) async throws(AlertSinkError) {
        do {
            try await transport.submit(submission(for: message, date: now()))
        } catch {
            throw AlertSinkError(.unreachable, sink: displayName, detail: AlertSinkError.detail(of: error))
        }
    }
}
