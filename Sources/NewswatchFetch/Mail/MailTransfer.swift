import CCurl
import Foundation
import NewswatchCore
import NewswatchSystem

/// One SMTP submission from start to result: a libcurl easy handle driven by `curl_easy_perform` on the calling
/// (dedicated) thread.
final class MailTransfer: @unchecked Sendable {
    let request: MailRequest
    let connectTimeout: TimeInterval
    let timeout: TimeInterval

    // Owner: the thread running `perform` (the read callback runs there, inside `curl_easy_perform`).
    private let bytes: [UInt8]
    private var offset = 0

    // Owner: `cancelled` is behind its own lock (set from a cancellation handler, read by the progress callback).
    private let cancelled = Locked(false)

    init(request: MailRequest, connectTimeout: TimeInterval, timeout: TimeInterval) {
        self.request = request
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        bytes = Array(request.message)
    }

    func cancel() { cancelled.withLock { $0 = true } }
    var isCancelled: Bool { cancelled.withLock { $0 } }

    /// Runs the whole SMTP dialogue; `nil` when the server accepted the message. Blocks the calling thread.
    func perform() -> FetchError? {
        let url = request.url
        guard CurlGlobal.initialised else { return FetchError(.internal, "curl_global_init failed", url: url) }
        if isCancelled { return FetchError(.cancelled, "cancelled", url: url) }
        guard let easy = curl_easy_init() else { return FetchError(.internal, "curl_easy_init failed", url: url) }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        var recipients: UnsafeMutablePointer<curl_slist>?
        defer {
            curl_easy_cleanup(easy)
            if let recipients { curl_slist_free_all(recipients) }
            errorBuffer.deallocate()
        }
        let me = Unmanaged.passUnretained(self).toOpaque()
        var failed: CURLoption?
        func long(_ option: CURLoption, _ value: Int) {
            if nw_easy_setopt_long(easy, option, value) != CURLE_OK && failed == nil { failed = option }
        }
        // libcurl copies string options, so the temporary C strings need not outlive the call.
        func string(_ option: CURLoption, _ value: String) {
            if nw_easy_setopt_string(easy, option, value) != CURLE_OK && failed == nil { failed = option }
        }
        func check(_ option: CURLoption, _ code: CURLcode) {
            if code != CURLE_OK && failed == nil { failed = option }
        }

        check(
            CURLOPT_ERRORBUFFER, nw_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer))
        )
        string(CURLOPT_URL, url)
        if failed != nil { return FetchError(.invalidRequest, "not a usable URL", url: url) }
        string(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        // ALL_PROXY in the environment would otherwise route mail too; the config names no proxy (see CurlEasy).
        string(CURLOPT_PROXY, "")
        long(CURLOPT_NOSIGNAL, 1)
        long(CURLOPT_SSL_VERIFYPEER, 1)
        long(CURLOPT_SSL_VERIFYHOST, 2)
        // ALL: STARTTLS or nothing (CURLE_USE_SSL_FAILED when the server does not offer it); TRY: use it if offered.
        long(CURLOPT_USE_SSL, request.requireTLS ? nw_usessl_all() : nw_usessl_try())
        long(CURLOPT_CONNECTTIMEOUT_MS, TimeBounds.milliseconds(connectTimeout))
        long(CURLOPT_TIMEOUT_MS, TimeBounds.milliseconds(timeout))
        string(CURLOPT_MAIL_FROM, "<" + MailRequest.envelopeAddress(request.from) + ">")
        for recipient in request.recipients {
            guard let list = curl_slist_append(recipients, "<" + MailRequest.envelopeAddress(recipient) + ">") else {
                return FetchError(.internal, "curl_slist_append failed", url: url)
            }
            recipients = list
        }
        check(CURLOPT_MAIL_RCPT, nw_easy_setopt_slist(easy, CURLOPT_MAIL_RCPT, recipients))
        if let username = request.username { string(CURLOPT_USERNAME, username) }
        if let password = request.password { string(CURLOPT_PASSWORD, password) }
        long(CURLOPT_UPLOAD, 1)
        check(CURLOPT_INFILESIZE_LARGE, nw_easy_setopt_off_t(easy, CURLOPT_INFILESIZE_LARGE, curl_off_t(bytes.count)))
        check(CURLOPT_READFUNCTION, nw_easy_setopt_read_callback(easy, mailReadCallback))
        check(CURLOPT_READDATA, nw_easy_setopt_pointer(easy, CURLOPT_READDATA, me))
        long(CURLOPT_NOPROGRESS, 0)
        check(CURLOPT_XFERINFOFUNCTION, nw_easy_setopt_xferinfo_callback(easy, mailProgressCallback))
        check(CURLOPT_XFERINFODATA, nw_easy_setopt_pointer(easy, CURLOPT_XFERINFODATA, me))
        check(CURLOPT_OPENSOCKETFUNCTION, nw_easy_setopt_opensocket_callback(easy, mailOpenSocketCallback))
        if let failed {
            return FetchError(.internal, "curl_easy_setopt(\(failed.rawValue)) failed", url: url)
        }

        let code = curl_easy_perform(easy)
        guard code != CURLE_OK else { return nil }
        if code == CURLE_ABORTED_BY_CALLBACK && isCancelled { return FetchError(.cancelled, "cancelled", url: url) }
        var reply = 0
        _ = nw_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &reply)
        var detail =
            errorBuffer.pointee != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
        if reply > 0 && !detail.contains("\(reply)") { detail += " (SMTP reply \(reply))" }
        var kind = CurlEasy.kind(for: code)
        if code == CURLE_USE_SSL_FAILED {
            detail = "the server does not offer STARTTLS, which is required for smtp:// (\(detail))"
        } else if kind == .tooManyRedirects || kind == .tooLarge {
            kind = .network
        }
        return FetchError(kind, detail, url: url, curlCode: Int(code.rawValue))
    }

    /// Copies the next part of the message into libcurl's buffer; 0 ends the upload.
    fileprivate func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let count = min(capacity, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBufferPointer { source in
            UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }

}

// libcurl callbacks: plain C functions that find their `MailTransfer` through the user-data pointer (unretained;
// `perform` keeps `self` alive for as long as the handle exists). They run on the thread inside `perform`.

private let mailReadCallback: curl_read_callback = { buffer, size, count, user in
    guard let buffer, let user else { return 0 }
    let transfer = Unmanaged<MailTransfer>.fromOpaque(user).takeUnretainedValue()
    return transfer.read(into: buffer, capacity: size * count)
}

/// Called at least once a second while the dialogue runs; a non-zero return aborts it.
private let mailProgressCallback: curl_xferinfo_callback = { user, _, _, _, _ in
    guard let user else { return 0 }
    return Unmanaged<MailTransfer>.fromOpaque(user).takeUnretainedValue().isCancelled ? 1 : 0
}

/// Opens sockets close-on-exec, so a command run by the exec sink never inherits the SMTP connection.
private let mailOpenSocketCallback: curl_opensocket_callback = { _, _, address in
    guard let address else { return nw_curl_socket_bad() }
    return nw_open_socket(address)
}
