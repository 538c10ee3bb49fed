import Foundation

/// One HTTP request: a feed poll (a conditional GET) or a sink's delivery (a POST).
public struct FeedRequest: Sendable {
    /// An absolute `http` or `https` URL. Credentials in it are used for Basic authentication and never logged.
    public var url: String
    /// `GET` (default), `POST`, `PUT`, `HEAD`, …
    public var method: String
    /// The previous response's `ETag`, sent as `If-None-Match`.
    public var etag: String?
    /// The previous response's `Last-Modified`, sent as `If-Modified-Since`.
    public var lastModified: String?
    /// Extra request headers, in order (e.g. `Content-Type`, a signature). Names and values must not contain line
    /// breaks.
    public var headers: [(name: String, value: String)]
    /// The request body (for `POST`/`PUT`).
    public var body: Data?
    /// Overrides `FetchConfiguration.timeout` for this request.
    public var timeout: TimeInterval?
    /// Overrides `FetchConfiguration.maxBodyBytes` for this request.
    public var maxBodyBytes: Int?
    /// Whether redirects are followed (within `FetchConfiguration.maxRedirects`). A webhook sets this to `false`:
    /// a 3xx then comes back as a `.httpStatus` failure carrying the response, and the POST goes nowhere else.
    public var followRedirects: Bool

    public init(
        url: String, method: String = "GET", etag: String? = nil, lastModified: String? = nil,
        headers: [(name: String, value: String)] = [], body: Data? = nil, timeout: TimeInterval? = nil,
        maxBodyBytes: Int? = nil, followRedirects: Bool = true
    ) {
        self.url = url
        self.method = method
        self.etag = etag
        self.lastModified = lastModified
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
        self.followRedirects = followRedirects
    }

    /// A `POST` of `body` with `Content-Type: contentType` plus `headers`.
    public static func post(
        url: String, body: Data, contentType: String = "application/json",
        headers: [(name: String, value: String)] = [], timeout: TimeInterval? = nil, followRedirects: Bool = true
    ) -> FeedRequest {
        FeedRequest(
            url: url, method: "POST", headers: [("Content-Type", contentType)] + headers, body: body, timeout: timeout,
            followRedirects: followRedirects)
    }
}
