import CCurl

/// libcurl's process-wide initialisation, done once before the first handle.
enum CurlGlobal {
    /// `curl_global_init`'s result; evaluated once (Swift runs a `static let` initialiser exactly once).
    static let initialised: Bool = curl_global_init(nw_curl_global_all()) == CURLE_OK
}
