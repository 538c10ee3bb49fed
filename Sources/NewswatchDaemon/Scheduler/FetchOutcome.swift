/// What one fetch of a feed came to, as far as scheduling cares.
public struct FetchOutcome: Sendable, Equatable {
    /// The kind of result.
    public enum Result: Sendable, Equatable {
        /// A body was fetched and used (200, or a body identical to the last one).
        case ok
        /// `304 Not Modified`.
        case notModified
        /// The server answered with an error status (4xx, 5xx).
        case httpStatus(Int)
        /// No HTTP answer at all.
        case network(NetworkFailure)
        /// An answer that is no usable feed (not a feed, over the size cap, a local file that cannot be read).
        case unusable
    }

    /// Why no HTTP answer came.
    public enum NetworkFailure: Sendable, Equatable {
        /// The host name did not resolve (`CURLE_COULDNT_RESOLVE_HOST`).
        case dns
        /// No connection could be made, or connecting timed out (`CURLE_COULDNT_CONNECT`, connect-phase timeout).
        case connect
        /// TLS failed (certificate, handshake).
        case tls
        /// Connected, but the transfer did not finish in time.
        case timeout
        /// Anything else (reset connection, refused address, failed redirect, …).
        case other

        /// Whether this failure is what our own network being down looks like: nothing resolves, nothing connects.
        public var isConnectivity: Bool { self == .dns || self == .connect }
    }

    public var result: Result
    /// `Retry-After`, in seconds from the response (NewswatchFetch's `RetryAfter`, at most 7 days).
    public var retryAfter: Double?
    /// RSS `<ttl>`, in seconds.
    public var ttl: Double?
    /// `Cache-Control: max-age`, in seconds.
    public var maxAge: Double?

    public init(_ result: Result, retryAfter: Double? = nil, ttl: Double? = nil, maxAge: Double? = nil) {
        self.result = result
        self.retryAfter = retryAfter
        self.ttl = ttl
        self.maxAge = maxAge
    }

    /// Whether the feed answered usefully (200 or 304).
    public var isSuccess: Bool { result == .ok || result == .notModified }

    /// Whether this is a DNS or connect failure (the signature of a network outage).
    public var isConnectivityFailure: Bool {
        if case .network(let f) = result { return f.isConnectivity }
        return false
    }
}
