import Foundation

/// How an `HTTPClient` fetches: limits, timeouts, politeness and the private-network rule (CONTRACT §6).
///
/// The defaults are the contract's: 10 s to connect, 30 s for the whole transfer, a 10 MiB cap on the decoded body,
/// 16 transfers at once and at most 2 per host, private networks refused, at most 5 redirects.
public struct FetchConfiguration: Sendable, Equatable {
    /// Sent as `User-Agent` on every request.
    public var userAgent: String
    /// Seconds allowed to establish a connection (TCP and TLS).
    public var connectTimeout: TimeInterval
    /// Seconds allowed for a whole transfer, redirects included.
    public var timeout: TimeInterval
    /// The most decoded body bytes accepted; a larger body (e.g. a gzip bomb) fails with `.tooLarge` at the cap.
    public var maxBodyBytes: Int
    /// Transfers running at once; more requests wait their turn in submission order.
    public var maxConcurrent: Int
    /// Transfers (and so connections) running at once per host and port; other hosts proceed meanwhile.
    public var maxPerHost: Int
    /// When false, connections to loopback, private (RFC 1918), shared (RFC 6598), link-local, unique-local,
    /// unspecified, multicast and reserved addresses are refused — checked on the resolved address of every hop.
    public var allowPrivateNetworks: Bool
    /// Addresses or CIDR ranges (`"10.1.2.3"`, `"192.168.0.0/16"`, `"fd00::/8"`) allowed even when
    /// `allowPrivateNetworks` is false: for one known internal feed server without opening every private range.
    public var permittedAddresses: [String]
    /// A transfer slower than this many bytes per second for `lowSpeedTime` seconds is aborted (`.timeout`).
    public var lowSpeedLimit: Int
    /// Seconds below `lowSpeedLimit` before the transfer is aborted (whole seconds; libcurl's granularity).
    public var lowSpeedTime: Int
    /// Redirects followed at most; one more fails with `.tooManyRedirects`.
    public var maxRedirects: Int

    public init(
        userAgent: String = "newswatch/1.0",
        connectTimeout: TimeInterval = 10,
        timeout: TimeInterval = 30,
        maxBodyBytes: Int = 10 << 20,
        maxConcurrent: Int = 16,
        maxPerHost: Int = 2,
        allowPrivateNetworks: Bool = false,
        permittedAddresses: [String] = [],
        lowSpeedLimit: Int = 100,
        lowSpeedTime: Int = 15,
        maxRedirects: Int = 5
    ) {
        self.userAgent = userAgent
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
        self.maxConcurrent = maxConcurrent
        self.maxPerHost = maxPerHost
        self.allowPrivateNetworks = allowPrivateNetworks
        self.permittedAddresses = permittedAddresses
        self.lowSpeedLimit = lowSpeedLimit
        self.lowSpeedTime = lowSpeedTime
        self.maxRedirects = maxRedirects
    }
}
