import CCurl
import Foundation

/// One request from submission to its result, shared by the calling task and the driver thread.
///
/// The result is delivered exactly once through `finish`, by whichever comes first: the driver completing the
/// transfer, the caller's cancellation, or shutdown.
final class Transfer: @unchecked Sendable {
    let request: FeedRequest
    /// `host:port` of the first URL, for the per-host limit.
    let hostKey: String
    let bodyCap: Int

    // Owner: `lock` guards `continuation`, `outcome` and `finished`.
    private let lock = NSLock()
    private var continuation: CheckedContinuation<FetchResult, Never>?
    private var outcome: FetchResult?
    private var finished = false

    // Owner: the driver thread. Touched only there, between admission and completion (libcurl's callbacks run on
    // that thread inside `curl_multi_perform`).
    var easy: UnsafeMutableRawPointer?
    var headerList: UnsafeMutablePointer<curl_slist>?
    var body = Data()
    var tooLarge = false
    var policy: AddressPolicy?
    var refusedAddress: (address: String, scope: NetworkAddress.Scope)?
    let errorBuffer: UnsafeMutablePointer<CChar>

    init(request: FeedRequest, hostKey: String, bodyCap: Int) {
        self.request = request
        self.hostKey = hostKey
        self.bodyCap = bodyCap
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        errorBuffer.deallocate()
    }

    /// Hands over the caller's continuation; resumes it at once if the transfer already finished (e.g. cancelled
    /// before it was submitted).
    func install(_ continuation: CheckedContinuation<FetchResult, Never>) {
        let ready: FetchResult? = lock.withLock {
            if let outcome { return outcome }
            self.continuation = continuation
            return nil
        }
        if let ready { continuation.resume(returning: ready) }
    }

    /// Delivers `result` unless a result was already delivered; returns whether this call delivered it.
    @discardableResult
    func finish(_ result: FetchResult) -> Bool {
        let waiting: CheckedContinuation<FetchResult, Never>?
        lock.lock()
        if finished {
            lock.unlock()
            return false
        }
        finished = true
        waiting = continuation
        continuation = nil
        if waiting == nil { outcome = result }
        lock.unlock()
        waiting?.resume(returning: result)
        return true
    }

    var isFinished: Bool { lock.withLock { finished } }
}
