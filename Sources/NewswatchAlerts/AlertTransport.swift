import Foundation

/// The network operations the webhook and email sinks need, implemented over NewswatchFetch's libcurl client.
///
/// Sinks build complete requests (body, headers, message text) and only hand bytes to the transport, so the
/// sink logic is tested without a network and the transport stays a thin libcurl wrapper.
public protocol AlertTransport: Sendable {
    /// POSTs `request.body` to `request.url` with `request.headers`; returns the response's status.
    ///
    /// Implementations follow no redirects (a webhook that moved should be reconfigured), verify TLS, and
    /// apply `request.timeout` to the whole transfer. A response with any status is returned, not thrown.
    /// - Throws: any error when no HTTP response arrived (DNS, connect, TLS, timeout).
    func post(_ request: WebhookRequest) async throws -> WebhookResponse

    /// Submits `mail.message` over SMTP: `MAIL FROM:<mail.from>`, one `RCPT TO` per recipient, `DATA`.
    ///
    /// `smtps://` is TLS from the start; `smtp://` must upgrade with STARTTLS when `mail.requireTLS` is set
    /// (libcurl `CURLOPT_USE_SSL = CURLUSESSL_ALL`). libcurl dot-stuffs lines beginning with `.` itself and
    /// ends the DATA phase, so `mail.message` is the plain RFC 5322 text with CRLF line ends.
    /// - Throws: any error when the server did not accept the message for every recipient.
    func submit(_ mail: MailSubmission) async throws
}

/// One webhook delivery.
public struct WebhookRequest: Sendable {
    public var url: String
    /// Header fields in order (`Content-Type`, the signature, …); the transport adds `User-Agent`.
    public var headers: [(name: String, value: String)]
    public var body: Data
    public var timeout: Duration

    public init(url: String, headers: [(name: String, value: String)], body: Data, timeout: Duration) {
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// The value of header `name` (case-insensitive), if present.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// What the webhook answered.
public struct WebhookResponse: Sendable {
    public var status: Int
    /// The start of the response body, for the log when the status is an error.
    public var bodyPrefix: Data

    public init(status: Int, bodyPrefix: Data = Data()) {
        self.status = status
        self.bodyPrefix = bodyPrefix
    }
}

/// One message to submit over SMTP.
public struct MailSubmission: Sendable {
    /// `smtps://host[:port]` or `smtp://host[:port]`.
    public var url: String
    /// The envelope sender.
    public var from: String
    /// The envelope recipients.
    public var recipients: [String]
    public var username: String?
    public var password: String?
    /// `smtp://` must use STARTTLS (CONTRACT §6); only loopback test servers turn this off.
    public var requireTLS: Bool
    /// RFC 5322 message text, CRLF line ends.
    public var message: Data
    public var timeout: Duration

    public init(
        url: String, from: String, recipients: [String], username: String?, password: String?, requireTLS: Bool,
        message: Data, timeout: Duration
    ) {
        self.url = url
        self.from = from
        self.recipients = recipients
        self.username = username
        self.password = password
        self.requireTLS = requireTLS
        self.message = message
        self.timeout = timeout
    }
}
