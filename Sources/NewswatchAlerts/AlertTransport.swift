import Foundation
import NewswatchFetch

/// The network operations the webhook and email sinks need, implemented over NewswatchFetch's libcurl client.
///
/// Sinks build complete requests (body, headers, message text) and only hand bytes to the transport, so the
/// sink logic is tested without a network and the transport stays a thin libcurl wrapper.
package protocol AlertTransport: Sendable {
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
    func submit(_ mail: MailRequest) async throws
}

/// One webhook delivery.
package struct WebhookRequest: Sendable {
    package var url: String
    /// `POST`, or `PUT` for a Matrix room message.
    package var method: String
    /// Header fields in order (`Content-Type`, the signature, …); the transport adds `User-Agent`.
    package var headers: [(name: String, value: String)]
    package var body: Data
    package var timeout: Duration

    package init(
        url: String, method: String = "POST", headers: [(name: String, value: String)], body: Data, timeout: Duration
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// The value of header `name` (case-insensitive), if present.
    package func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// What the webhook answered.
package struct WebhookResponse: Sendable {
    package var status: Int
    /// The start of the response body, for the log when the status is an error.
    package var bodyPrefix: Data

    package init(status: Int, bodyPrefix: Data = Data()) {
        self.status = status
        self.bodyPrefix = bodyPrefix
    }
}
