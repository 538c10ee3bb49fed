import Foundation
import NewswatchFetch
import NewswatchSystem

/// The real ``AlertTransport``: webhooks through NewswatchFetch's libcurl `HTTPClient` (no redirects), mail through
/// its `MailSender` (libcurl SMTP).
///
/// Webhook and SMTP targets are written by the operator, not taken from feeds, so private and loopback addresses are
/// allowed here (a desk's Mattermost or relay often lives on the internal network); feeds keep their own client with
/// the stricter policy. TLS is always verified.
package final class CurlAlertTransport: AlertTransport {
    /// The most of a webhook's response body kept (for the log line of a rejected delivery).
    package static let bodyPrefixBytes = 512

    private let client: HTTPClient
    private let mail: MailSender

    /// - Parameters:
    ///   - userAgent: sent with every webhook POST (`daemon.user_agent`).
    ///   - connectTimeout: for webhooks and SMTP; each request brings its own total timeout.
    package init(userAgent: String = "newswatch/1.0", connectTimeout: TimeInterval = 10) throws(FetchError) {
        client = try HTTPClient(
            configuration: FetchConfiguration(
                userAgent: userAgent, connectTimeout: connectTimeout, timeout: 30, maxBodyBytes: 1 << 20,
                maxConcurrent: 8, maxPerHost: 2, allowPrivateNetworks: true, maxRedirects: 0))
        mail = MailSender(connectTimeout: connectTimeout, timeout: 30)
    }

    package func post(_ request: WebhookRequest) async throws -> WebhookResponse {
        let feedRequest = FeedRequest(
            url: request.url, method: request.method, headers: request.headers, body: request.body,
            timeout: request.timeout.inSeconds, followRedirects: false)
        switch await client.fetch(feedRequest) {
        case .ok(let response), .notModified(let response):
            return WebhookResponse(status: response.status, bodyPrefix: response.body.prefix(Self.bodyPrefixBytes))
        case .failed(let error):
            // A status that is not 2xx is an answer, not a transport failure: the sink decides what it means.
            if error.kind == .httpStatus, let response = error.response {
                return WebhookResponse(status: response.status, bodyPrefix: response.body.prefix(Self.bodyPrefixBytes))
            }
            // A reply too long to keep is still an answer: after a 2xx the message was accepted (sending it again
            // would repeat it), and any other status says what it says.
            if error.kind == .tooLarge, let status = error.httpStatus {
                return WebhookResponse(status: status, bodyPrefix: Data())
            }
            throw error
        }
    }

    package func submit(_ mail: MailRequest) async throws {
        try await self.mail.send(mail)
    }

    /// Stops the HTTP client's thread and waits for it (mail needs no shutdown: each message has its own thread).
    package func shutdown() async {
        await client.shutdown()
    }
}
