import Foundation

/// What a server answered, with the headers that matter to a poller.
public struct FetchResponse: Sendable {
    /// The final HTTP status (after redirects).
    public var status: Int
    /// The URL that answered after redirects, credentials removed.
    public var finalURL: String
    /// Redirects followed.
    public var redirectCount: Int
    /// `ETag` to send next time. For a 304 without one, the request's own `etag` (still valid).
    public var etag: String?
    /// `Last-Modified` to send next time. For a 304 without one, the request's own `lastModified`.
    public var lastModified: String?
    /// The `Content-Type` header as sent.
    public var contentType: String?
    /// The `charset` parameter of `Content-Type`, unquoted (for the parser), or nil.
    public var charset: String?
    /// `Retry-After`, when sent (typically with 429 and 503).
    public var retryAfter: RetryAfter?
    /// `Cache-Control: max-age` in seconds, when sent.
    public var cacheMaxAge: Int?
    /// `Expires`; an unparseable value (such as `0`) means "already expired" and reads as the epoch.
    public var expires: Date?
    /// The server's `Date`, when sent (to judge clock skew against `expires`).
    public var date: Date?
    /// The decoded body (`Content-Encoding` undone); empty for 304, HEAD and bodiless statuses.
    public var body: Data
    /// Where the time went.
    public var timing: FetchTiming

    public init(
        status: Int, finalURL: String, redirectCount: Int = 0, etag: String? = nil, lastModified: String? = nil,
        contentType: String? = nil, charset: String? = nil, retryAfter: RetryAfter? = nil, cacheMaxAge: Int? = nil,
        expires: Date? = nil, date: Date? = nil, body: Data = Data(), timing: FetchTiming = FetchTiming()
    ) {
        self.status = status
        self.finalURL = finalURL
        self.redirectCount = redirectCount
        self.etag = etag
        self.lastModified = lastModified
        self.contentType = contentType
        self.charset = charset
        self.retryAfter = retryAfter
        self.cacheMaxAge = cacheMaxAge
        self.expires = expires
        self.date = date
        self.body = body
        self.timing = timing
    }
}

/// Seconds from the start of a transfer to each of its phases (libcurl's timers; redirects included).
public struct FetchTiming: Sendable, Hashable {
    /// Name resolution done.
    public var nameLookup: TimeInterval
    /// TCP connected.
    public var connect: TimeInterval
    /// TLS handshake done (0 for plain HTTP).
    public var tlsHandshake: TimeInterval
    /// First response byte.
    public var firstByte: TimeInterval
    /// Whole transfer.
    public var total: TimeInterval
    /// Time spent in redirects before the final request.
    public var redirect: TimeInterval

    public init(
        nameLookup: TimeInterval = 0, connect: TimeInterval = 0, tlsHandshake: TimeInterval = 0,
        firstByte: TimeInterval = 0, total: TimeInterval = 0, redirect: TimeInterval = 0
    ) {
        self.nameLookup = nameLookup
        self.connect = connect
        self.tlsHandshake = tlsHandshake
        self.firstByte = firstByte
        self.total = total
        self.redirect = redirect
    }
}
