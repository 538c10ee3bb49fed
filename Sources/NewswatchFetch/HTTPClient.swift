import Foundation
import NewswatchCore

/// The HTTP client of feed polls and alert sinks: libcurl multi on one dedicated thread, behind an async API.
///
/// Many `fetch` calls may be in flight at once; they run within `FetchConfiguration.maxConcurrent` and
/// `maxPerHost`, the rest wait in submission order. Cancelling the calling task ends its transfer at once with
/// `.cancelled`. Call `shutdown()` before dropping the client to wait for its thread; dropping it without that still
/// stops the thread, without waiting.
///
/// - Important: only `http` and `https` are ever spoken, for the first request and every redirect; TLS is always
///   verified; with `allowPrivateNetworks` off, every connection's resolved address is checked before the first
///   packet is sent (so neither DNS rebinding nor a redirect reaches an internal host).
public final class HTTPClient: Sendable {
    /// The configuration the client was made with.
    public let configuration: FetchConfiguration
    private let driver: CurlDriver

    /// Starts the client's thread. Throws `.internal` if libcurl cannot start, `.invalidRequest` for a bad
    /// `permittedAddresses` entry.
    public init(configuration: FetchConfiguration = FetchConfiguration()) throws(FetchError) {
        self.configuration = configuration
        driver = try CurlDriver(configuration: configuration)
        driver.startThread()
    }

    deinit {
        driver.requestShutdown()
    }

    /// Performs `request`; never throws: every failure is a `.failed(FetchError)`.
    public func fetch(_ request: FeedRequest) async -> FetchResult {
        let hostKey: String
        switch Self.preflight(request) {
        case .success(let key): hostKey = key
        case .failure(let error): return .failed(error)
        }
        let transfer = Transfer(
            request: request, hostKey: hostKey,
            bodyCap: max(0, request.maxBodyBytes ?? configuration.maxBodyBytes))
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<FetchResult, Never>) in
                transfer.install(continuation)
                if !transfer.isFinished { driver.submit(transfer) }
            }
        } onCancel: {
            driver.cancel(transfer)
        }
    }

    /// Fetches `url` with a conditional GET when validators are given.
    public func fetch(url: String, etag: String? = nil, lastModified: String? = nil) async -> FetchResult {
        await fetch(FeedRequest(url: url, etag: etag, lastModified: lastModified))
    }

    /// Fetches one request with a client of its own, shut down before returning: for one-shot commands
    /// (`newswatch parse URL`), which then see exactly what the daemon's fetcher would.
    public static func fetchOnce(_ request: FeedRequest, configuration: FetchConfiguration) async -> FetchResult {
        let client: HTTPClient
        do {
            client = try HTTPClient(configuration: configuration)
        } catch {
            return .failed(error)
        }
        let result = await client.fetch(request)
        await client.shutdown()
        return result
    }

    /// Fails every pending and running request with `.shutdown`, stops the thread and waits for it; later `fetch`
    /// calls fail with `.shutdown` at once. Idempotent.
    public func shutdown() async {
        await driver.shutdown()
    }

    /// Rejects what must never reach libcurl (a scheme other than http/https, a URL without a host); otherwise the
    /// request's `host:port` for the per-host limit.
    static func preflight(_ request: FeedRequest) -> Result<String, FetchError> {
        guard let scheme = URLRedaction.scheme(request.url) else {
            return .failure(FetchError(.invalidRequest, "not an absolute http(s) URL", url: request.url))
        }
        guard scheme == "http" || scheme == "https" else {
            return .failure(
                FetchError(.forbiddenProtocol, "only http and https are allowed, not \(scheme)", url: request.url))
        }
        guard let hostKey = URLRedaction.hostKey(request.url) else {
            return .failure(FetchError(.invalidRequest, "the URL has no host", url: request.url))
        }
        return .success(hostKey)
    }
}
