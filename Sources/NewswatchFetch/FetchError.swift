import Foundation
import NewswatchCore

/// Why a fetch failed, classified; `message` is one line (libcurl's own where it has one) and never holds credentials.
public struct FetchError: Error, Sendable, CustomStringConvertible {
    /// The class of failure; tests and callers branch on this, not on the text.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The URL or a header could not be used (malformed, no host, a line break in a header).
        case invalidRequest
        /// The host name could not be resolved.
        case dns
        /// No connection (refused, unreachable).
        case connect
        /// TLS handshake or certificate verification failed.
        case tls
        /// Connect timeout, total timeout, or the transfer stayed below the low-speed limit.
        case timeout
        /// The decoded body passed the size cap.
        case tooLarge
        /// More redirects than allowed.
        case tooManyRedirects
        /// A scheme other than http/https, first or after a redirect.
        case forbiddenProtocol
        /// The resolved address is loopback/private/link-local/… and private networks are not allowed.
        case forbiddenAddress
        /// The server answered with a status that is neither 2xx nor 304 (see `httpStatus`, `retryAfter`).
        case httpStatus
        /// The connection broke or the server spoke broken HTTP (empty reply, bad encoding, reset).
        case network
        /// The server's response could not be held: a header line over libcurl's limit (100 KiB).
        case badResponse
        /// The caller's task was cancelled.
        case cancelled
        /// The client was shut down before the request finished.
        case shutdown
        /// libcurl failed in a way that is no fault of the server (out of memory, bad option).
        case `internal`
    }

    public var kind: Kind
    /// One line: what went wrong.
    public var message: String
    /// The request URL, credentials removed.
    public var url: String
    /// The HTTP status for `.httpStatus`.
    public var httpStatus: Int?
    /// `Retry-After` sent with the failing response (429, 503, …).
    public var retryAfter: RetryAfter?
    /// The failing response, for `.httpStatus` (headers and body, e.g. a webhook's error text).
    public var response: FetchResponse?
    /// libcurl's `CURLcode`, when the failure came from libcurl.
    public var curlCode: Int?

    public init(
        _ kind: Kind, _ message: String, url: String, httpStatus: Int? = nil, retryAfter: RetryAfter? = nil,
        response: FetchResponse? = nil, curlCode: Int? = nil
    ) {
        self.kind = kind
        self.message = FetchError.oneLine(message)
        self.url = URLRedaction.redact(url)
        self.httpStatus = httpStatus
        self.retryAfter = retryAfter
        self.response = response
        self.curlCode = curlCode
    }

    /// `<url>: <message>`.
    public var description: String { "\(url): \(message)" }

    /// The sysexits code of CONTRACT §1 for a command that fetched a source (`newswatch parse URL`): 65 for a body over
    /// the size cap, 64 for an unusable URL, 1 for an internal failure, a cancellation or a shutdown, and 69 ("source
    /// unreachable") for the rest — network failures, HTTP statuses, refused addresses or protocols, failed redirects,
    /// unreadable responses.
    public var exitCode: Int32 {
        switch kind {
        case .tooLarge: 65
        case .invalidRequest: 64
        case .internal, .cancelled, .shutdown: 1
        case .dns, .connect, .tls, .timeout, .tooManyRedirects, .forbiddenProtocol, .forbiddenAddress, .httpStatus,
            .network, .badResponse:
            69
        }
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }
}
