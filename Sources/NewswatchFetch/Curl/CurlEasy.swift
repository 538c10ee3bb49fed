import CCurl
import Foundation
import NewswatchCore

/// Setting up, reading and freeing the libcurl easy handle of one `Transfer` (on the driver thread).
enum CurlEasy {
    /// Creates the easy handle for `transfer`, sets every option, and adds it to `multi`; an error if that failed.
    static func start(
        _ transfer: Transfer, multi: UnsafeMutableRawPointer, configuration: FetchConfiguration, policy: AddressPolicy?
    ) -> FetchError? {
        let request = transfer.request
        guard let easy = curl_easy_init() else {
            return FetchError(.internal, "curl_easy_init failed", url: request.url)
        }
        transfer.easy = easy
        transfer.policy = policy
        let me = Unmanaged.passUnretained(transfer).toOpaque()
        var failed: CURLoption?
        func long(_ option: CURLoption, _ value: Int) {
            if nw_easy_setopt_long(easy, option, value) != CURLE_OK && failed == nil { failed = option }
        }
        func string(_ option: CURLoption, _ value: String) {
            if nw_easy_setopt_string(easy, option, value) != CURLE_OK && failed == nil { failed = option }
        }
        func pointer(_ option: CURLoption, _ value: UnsafeMutableRawPointer?) {
            if nw_easy_setopt_pointer(easy, option, value) != CURLE_OK && failed == nil { failed = option }
        }

        pointer(CURLOPT_PRIVATE, me)
        pointer(CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(transfer.errorBuffer))
        string(CURLOPT_URL, request.url)
        if failed != nil {
            return FetchError(.invalidRequest, "not a usable URL", url: request.url)
        }
        string(CURLOPT_PROTOCOLS_STR, "http,https")
        string(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        // No proxy, whatever the environment says: libcurl otherwise reads http_proxy/https_proxy/ALL_PROXY, and
        // the address policy then checks the proxy's address, not the feed's — a proxy would reach any private
        // host. The config names no proxy, so none is used.
        string(CURLOPT_PROXY, "")
        long(CURLOPT_NOSIGNAL, 1)
        long(CURLOPT_FOLLOWLOCATION, request.followRedirects ? 1 : 0)
        long(CURLOPT_MAXREDIRS, configuration.maxRedirects)
        long(CURLOPT_SSL_VERIFYPEER, 1)
        long(CURLOPT_SSL_VERIFYHOST, 2)
        long(CURLOPT_CONNECTTIMEOUT_MS, TimeBounds.milliseconds(configuration.connectTimeout))
        long(CURLOPT_TIMEOUT_MS, TimeBounds.milliseconds(request.timeout ?? configuration.timeout))
        if configuration.lowSpeedLimit > 0 && configuration.lowSpeedTime > 0 {
            long(CURLOPT_LOW_SPEED_LIMIT, configuration.lowSpeedLimit)
            long(CURLOPT_LOW_SPEED_TIME, configuration.lowSpeedTime)
        }
        string(CURLOPT_USERAGENT, configuration.userAgent)
        // Empty means every coding this libcurl decodes (gzip, deflate, br, zstd here); bodies arrive decoded.
        string(CURLOPT_ACCEPT_ENCODING, "")
        if nw_easy_setopt_write_callback(easy, CURLOPT_WRITEFUNCTION, writeCallback) != CURLE_OK && failed == nil {
            failed = CURLOPT_WRITEFUNCTION
        }
        pointer(CURLOPT_WRITEDATA, me)
        if policy != nil {
            if nw_easy_setopt_opensocket_callback(easy, openSocketCallback) != CURLE_OK && failed == nil {
                failed = CURLOPT_OPENSOCKETFUNCTION
            }
            pointer(CURLOPT_OPENSOCKETDATA, me)
            if nw_easy_setopt_prereq_callback(easy, prereqCallback) != CURLE_OK && failed == nil {
                failed = CURLOPT_PREREQFUNCTION
            }
            pointer(CURLOPT_PREREQDATA, me)
        }

        var lines: [String] = []
        if let etag = request.etag { lines.append("If-None-Match: " + etag) }
        if let lastModified = request.lastModified { lines.append("If-Modified-Since: " + lastModified) }
        for (name, value) in request.headers { lines.append(name + ": " + value) }
        if let bad = lines.first(where: { $0.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }) }) {
            let name = bad.prefix { $0 != ":" }
            return FetchError(.invalidRequest, "header \(name) contains a line break", url: request.url)
        }
        let method = request.method.uppercased()
        if request.body != nil || method == "POST" || method == "PUT" {
            // No "Expect: 100-continue" round trip: sinks send small bodies, and some servers never answer it.
            lines.append("Expect:")
        }
        for line in lines {
            guard let list = curl_slist_append(transfer.headerList, line) else {
                return FetchError(.internal, "curl_slist_append failed", url: request.url)
            }
            transfer.headerList = list
        }
        if let list = transfer.headerList {
            if nw_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list) != CURLE_OK && failed == nil {
                failed = CURLOPT_HTTPHEADER
            }
        }

        switch method {
        case "GET":
            break
        case "HEAD":
            long(CURLOPT_NOBODY, 1)
        default:
            if method != "POST" { string(CURLOPT_CUSTOMREQUEST, method) }
            if method == "POST" || request.body != nil {
                let body = request.body ?? Data()
                if nw_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)) != CURLE_OK
                    && failed == nil
                {
                    failed = CURLOPT_POSTFIELDSIZE_LARGE
                }
                // COPYPOSTFIELDS copies, so the bytes need not outlive this call.
                body.withUnsafeBytes { raw in
                    let base = raw.baseAddress ?? UnsafeRawPointer(transfer.errorBuffer)
                    pointer(CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base))
                }
            }
        }
        if let failed {
            return FetchError(.internal, "curl_easy_setopt(\(failed.rawValue)) failed", url: request.url)
        }
        let added = curl_multi_add_handle(multi, easy)
        guard added == CURLM_OK else {
            return FetchError(.internal, String(cString: curl_multi_strerror(added)), url: request.url)
        }
        return nil
    }

    /// Removes the handle from `multi` (if it was added) and frees it and its header list.
    static func cleanup(_ transfer: Transfer, multi: UnsafeMutableRawPointer) {
        if let easy = transfer.easy {
            curl_multi_remove_handle(multi, easy)
            curl_easy_cleanup(easy)
            transfer.easy = nil
        }
        if let list = transfer.headerList {
            curl_slist_free_all(list)
            transfer.headerList = nil
        }
    }

    /// The outcome of a finished transfer, read from its handle.
    static func result(of transfer: Transfer, code: CURLcode) -> FetchResult {
        let request = transfer.request
        guard let easy = transfer.easy else {
            return .failed(FetchError(.internal, "transfer without a handle", url: request.url))
        }
        if code != CURLE_OK {
            return .failed(error(for: transfer, code: code))
        }
        var status = 0
        _ = nw_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        var response = FetchResponse(
            status: status, finalURL: URLRedaction.redact(string(easy, CURLINFO_EFFECTIVE_URL) ?? request.url))
        var redirects = 0
        _ = nw_easy_getinfo_long(easy, CURLINFO_REDIRECT_COUNT, &redirects)
        response.redirectCount = redirects
        response.contentType = string(easy, CURLINFO_CONTENT_TYPE)
        response.charset = response.contentType.flatMap(HeaderValues.charset(fromContentType:))
        response.etag = header(easy, "ETag")
        response.lastModified = header(easy, "Last-Modified")
        response.retryAfter = header(easy, "Retry-After").flatMap(RetryAfter.init)
        response.cacheMaxAge = header(easy, "Cache-Control").flatMap(HeaderValues.maxAge(fromCacheControl:))
        response.date = header(easy, "Date").flatMap(HTTPDate.parse)
        // Capped a week after the server's own clock, so a skewed server is judged against its `Date`.
        let sent = response.date ?? Date()
        response.expires = header(easy, "Expires").map { HeaderValues.expires($0, now: sent) }
        response.timing = FetchTiming(
            nameLookup: seconds(easy, CURLINFO_NAMELOOKUP_TIME_T), connect: seconds(easy, CURLINFO_CONNECT_TIME_T),
            tlsHandshake: seconds(easy, CURLINFO_APPCONNECT_TIME_T),
            firstByte: seconds(easy, CURLINFO_STARTTRANSFER_TIME_T), total: seconds(easy, CURLINFO_TOTAL_TIME_T),
            redirect: seconds(easy, CURLINFO_REDIRECT_TIME_T))
        switch status {
        case 304:
            response.etag = response.etag ?? request.etag
            response.lastModified = response.lastModified ?? request.lastModified
            return .notModified(response)
        case 200..<300:
            response.body = transfer.body
            return .ok(response)
        default:
            response.body = transfer.body
            return .failed(
                FetchError(
                    .httpStatus, "HTTP status \(status)", url: request.url, httpStatus: status,
                    retryAfter: response.retryAfter, response: response))
        }
    }

    /// Classifies a libcurl failure; our own aborts (address refused, body cap) take precedence over curl's code.
    static func error(for transfer: Transfer, code: CURLcode) -> FetchError {
        let url = transfer.request.url
        let detail =
            transfer.errorBuffer.pointee != 0
            ? String(cString: transfer.errorBuffer) : String(cString: curl_easy_strerror(code))
        let curlCode = Int(code.rawValue)
        if let refused = transfer.refusedAddress {
            return FetchError(
                .forbiddenAddress,
                "refused to connect to \(refused.address) (\(refused.scope.rawValue) address); "
                    + "private networks are not allowed",
                url: url, curlCode: curlCode)
        }
        if transfer.tooLarge {
            // The status the server had answered: a webhook that accepted a message and answered at length has
            // still accepted it (its sender must not send it again).
            var status = 0
            if let easy = transfer.easy { _ = nw_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status) }
            return FetchError(
                .tooLarge, "body larger than \(transfer.bodyCap) bytes (decoded)", url: url,
                httpStatus: status > 0 ? status : nil, curlCode: curlCode)
        }
        if code == CURLE_OUT_OF_MEMORY, let easy = transfer.easy, string(easy, CURLINFO_PRIMARY_IP)?.isEmpty == false {
            // libcurl 7.88 reports a header line over its 100 KiB buffer as "out of memory": after a connection,
            // that is the server's doing, not ours (issue 19: one 2 MiB header made `parse URL` exit 1).
            return FetchError(
                .badResponse, "response header too large (libcurl accepts at most 100 KiB per header line)",
                url: url, curlCode: curlCode)
        }
        return FetchError(kind(for: code), detail, url: url, curlCode: curlCode)
    }

    /// The class of a libcurl failure code (shared by HTTP transfers and SMTP submissions).
    static func kind(for code: CURLcode) -> FetchError.Kind {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .dns
        case CURLE_COULDNT_CONNECT:
            return .connect
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
            CURLE_SSL_ENGINE_INITFAILED,
            CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            return .tls
        case CURLE_FILESIZE_EXCEEDED:
            return .tooLarge
        case CURLE_TOO_MANY_REDIRECTS:
            return .tooManyRedirects
        case CURLE_UNSUPPORTED_PROTOCOL:
            return .forbiddenProtocol
        case CURLE_URL_MALFORMAT:
            return .invalidRequest
        case CURLE_OUT_OF_MEMORY, CURLE_FAILED_INIT, CURLE_NOT_BUILT_IN, CURLE_UNKNOWN_OPTION,
            CURLE_BAD_FUNCTION_ARGUMENT,
            CURLE_ABORTED_BY_CALLBACK:
            return .internal
        default:
            return .network
        }
    }

    private static func string(_ easy: UnsafeMutableRawPointer, _ info: CURLINFO) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard nw_easy_getinfo_string(easy, info, &value) == CURLE_OK, let value else { return nil }
        return String(cString: value)
    }

    private static func seconds(_ easy: UnsafeMutableRawPointer, _ info: CURLINFO) -> TimeInterval {
        var value: curl_off_t = 0
        _ = nw_easy_getinfo_off_t(easy, info, &value)
        return TimeInterval(value) / 1_000_000
    }

    private static func header(_ easy: UnsafeMutableRawPointer, _ name: String) -> String? {
        // libcurl hands values over with surrounding whitespace already removed.
        guard let value = nw_easy_header_value(easy, name), value.pointee != 0 else { return nil }
        return String(cString: value)
    }
}

// libcurl callbacks: plain C functions that find their `Transfer` through the user-data pointer (unretained; the
// driver's `active` table keeps it alive while the handle exists). They run on the driver thread.

/// Appends decoded body bytes; aborts the transfer (returns 0) at the size cap.
private let writeCallback: curl_write_callback = { data, size, count, user in
    guard let user else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(user).takeUnretainedValue()
    let length = size * count
    guard length > 0, let data else { return length }
    if transfer.body.count + length > transfer.bodyCap {
        transfer.tooLarge = true
        return 0
    }
    if transfer.body.isEmpty, let easy = transfer.easy {
        // Size the buffer once from Content-Length (the wire size; a coded body may still grow past it).
        var expected: curl_off_t = -1
        if nw_easy_getinfo_off_t(easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &expected) == CURLE_OK, expected > 0 {
            transfer.body.reserveCapacity(min(Int(expected), transfer.bodyCap))
        }
    }
    data.withMemoryRebound(to: UInt8.self, capacity: length) { transfer.body.append($0, count: length) }
    return length
}

/// Opens the socket only if the address it will connect to is allowed: no packet goes to a refused address.
private let openSocketCallback: curl_opensocket_callback = { user, _, address in
    guard let user, let address else { return nw_curl_socket_bad() }
    let transfer = Unmanaged<Transfer>.fromOpaque(user).takeUnretainedValue()
    var text = [CChar](repeating: 0, count: 64)
    guard nw_sockaddr_ntop(address, &text, socklen_t(text.count)) == 0 else {
        transfer.refusedAddress = ("a non-IP socket", .reserved)
        return nw_curl_socket_bad()
    }
    let ip = text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    if let scope = transfer.policy?.refusal(for: ip) {
        transfer.refusedAddress = (ip, scope)
        return nw_curl_socket_bad()
    }
    return nw_open_socket(address)
}

/// Checks the connected address again before each request, reused connections included.
private let prereqCallback: curl_prereq_callback = { user, primaryIP, _, _, _ in
    guard let user else { return nw_prereq_abort() }
    let transfer = Unmanaged<Transfer>.fromOpaque(user).takeUnretainedValue()
    let ip = primaryIP.map { String(cString: $0) } ?? ""
    if let scope = transfer.policy?.refusal(for: ip) {
        transfer.refusedAddress = (ip, scope)
        return nw_prereq_abort()
    }
    return nw_prereq_ok()
}
