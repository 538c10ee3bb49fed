import Foundation

/// Reduces an item link to the form under which two links name the same article.
///
/// Applied to recognise items already seen and to join stories across feeds:
/// - scheme and host lowercased; `http` and `https` are the same article; a leading `www.` and the default port go;
/// - the fragment goes; tracking parameters (`utm_*`, `fbclid`, `gclid`, `mc_eid`, …) go; the rest are sorted;
/// - AMP variants lead to the canonical page: `/amp/` segments, a trailing `/amp`, `.amp` before or as the
///   extension, `?amp=1`/`?amp`/`outputType=amp`, an `amp.` host prefix, and Google AMP cache URLs
///   (`…cdn.ampproject.org/c/s/host/path`);
/// - a trailing slash goes (`/a/b/` and `/a/b` are one page), empty path segments collapse.
/// Paths keep their case: servers treat them as case-sensitive. Text that is not an absolute http(s) URL is only
/// trimmed (so two identical relative or odd links still agree).
public enum LinkNormalizer {
    /// The normalised form of `link`, or `nil` for an empty link.
    public static func normalize(_ link: String) -> String? {
        let trimmed = trim(link)
        if trimmed.isEmpty { return nil }
        guard var url = SplitURL(trimmed) else { return trimmed }
        if url.host.hasSuffix(".cdn.ampproject.org"), let inner = ampCacheTarget(url) {
            url = inner
        }
        return url.normalized()
    }

    /// Query parameters that only track where a click came from.
    static let trackingParameters: Set<String> = [
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid", "li_fat_id",
        "igshid", "igsh", "mc_cid", "mc_eid", "mkt_tok", "_ga", "_gl", "_hsenc", "_hsmi", "__hstc", "__hssc",
        "__hsfp", "hsctatracking", "oly_anon_id", "oly_enc_id", "rb_clickid", "s_cid", "vero_id", "wickedid",
        "ocid", "cmpid", "cmp", "ito", "at_medium", "at_campaign", "at_custom1", "at_custom2", "at_custom3",
        "at_custom4", "ns_source", "ns_mchannel", "ns_campaign", "ns_linkname", "ns_fee", "smid", "smtyp",
        "sr_share", "share", "ref", "ref_src", "ref_url", "referrer", "src", "source", "rss", "feed", "via",
        "spref", "partner", "cid", "intcmp", "int_source", "int_medium", "int_campaign", "taid", "guccounter",
        "guce_referrer", "guce_referrer_sig", "soc_src", "soc_trk", "amp", "outputtype", "output", "amp_js_v",
        "usqp", "__twitter_impression", "fb_action_ids", "fb_action_types", "fb_source", "fb_ref", "action_object_map",
        "action_type_map", "action_ref_map", "tag", "cmpgn", "ftag", "xtor", "wt_mc", "wt.mc_id", "pk_campaign",
        "pk_kwd", "pk_source", "pk_medium", "piwik_campaign", "piwik_kwd", "mtm_campaign", "mtm_source",
        "mtm_medium", "mtm_content", "mtm_keyword",
    ]

    /// Parameters whose value decides whether they track (`output=amp` tracks; `output=print` might not).
    static let valueSensitive: Set<String> = ["amp", "outputtype", "output", "tag", "src", "source", "feed", "cid"]

    static func isTracking(name: String, value: String?) -> Bool {
        let lower = name.lowercased()
        if lower.hasPrefix("utm_") || lower.hasPrefix("pk_") || lower.hasPrefix("mtm_") { return true }
        guard trackingParameters.contains(lower) else { return false }
        guard valueSensitive.contains(lower) else { return true }
        let v = (value ?? "").lowercased()
        switch lower {
        case "amp": return v.isEmpty || v == "1" || v == "true" || v == "yes"
        case "outputtype", "output": return v == "amp"
        // These name real content on some sites (`?tag=gaza`, `?cid=123`); only drop the obvious feed markers.
        default: return v.isEmpty || v.contains("rss") || v.contains("feed") || v.contains("twitter")
            || v.contains("facebook") || v.contains("newsletter") || v.contains("email")
        }
    }

    private static func ampCacheTarget(_ url: SplitURL) -> SplitURL? {
        // /c/s/host/path (https) or /c/host/path (http); /v/… for viewer URLs; /i/ for images.
        var parts = url.path.split(separator: "/", omittingEmptySubsequences: true)
        guard let first = parts.first, ["c", "v", "i"].contains(first) else { return nil }
        parts.removeFirst()
        if parts.first == "s" { parts.removeFirst() }
        guard let host = parts.first, host.contains(".") else { return nil }
        parts.removeFirst()
        var inner = url
        inner.host = String(host).lowercased()
        inner.port = nil
        inner.path = "/" + parts.joined(separator: "/")
        return inner
    }

    private static func trim(_ s: String) -> String {
        var sub = Substring(s)
        while let f = sub.first, f.isWhitespace { sub = sub.dropFirst() }
        while let l = sub.last, l.isWhitespace { sub = sub.dropLast() }
        return String(sub)
    }
}

/// An absolute http(s) URL split into the parts the normaliser touches.
struct SplitURL {
    var host: String
    var port: String?
    var userinfo: String?
    var path: String
    var query: String?

    init?(_ text: String) {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let scheme = text[..<colon].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        var rest = text[text.index(after: colon)...]
        guard rest.hasPrefix("//") else { return nil }
        rest = rest.dropFirst(2)
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        var queryPart: Substring? = nil
        if let q = rest.firstIndex(of: "?") {
            queryPart = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        path = String(rest[authorityEnd...])
        if let at = authority.lastIndex(of: "@") {
            userinfo = String(authority[..<at])
            authority = authority[authority.index(after: at)...]
        }
        // An IPv6 literal keeps its colons inside brackets.
        if let c = authority.lastIndex(of: ":"), !authority[c...].contains("]") {
            let p = authority[authority.index(after: c)...]
            port = p.isEmpty ? nil : String(p)
            authority = authority[..<c]
        }
        var h = authority.lowercased()
        while h.hasSuffix(".") { h.removeLast() }
        guard !h.isEmpty else { return nil }
        host = h
        if port == "80" || port == "443" { port = nil }
        query = queryPart.map(String.init)
    }

    func normalized() -> String {
        var h = host
        if h.hasPrefix("www.") { h.removeFirst(4) }
        if h.hasPrefix("amp.") && h.split(separator: ".").count > 2 { h.removeFirst(4) }

        // Path: collapse empty segments, drop AMP segments and suffixes, drop the trailing slash.
        var segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        segments.removeAll { $0.lowercased() == "amp" }
        if var last = segments.popLast() {
            if last.lowercased().hasSuffix(".amp") {
                last.removeLast(4)
            } else if let r = last.range(of: ".amp.", options: [.caseInsensitive, .backwards]),
                !last[r.upperBound...].contains(".")
            {
                // story.amp.html → story.html
                last.removeSubrange(r.lowerBound..<last.index(before: r.upperBound))
            }
            if !last.isEmpty { segments.append(last) }
        }
        var out = "https://"
        if let userinfo, !userinfo.isEmpty { out += userinfo + "@" }
        out += h
        if let port { out += ":" + port }
        if !segments.isEmpty { out += "/" + segments.joined(separator: "/") }

        if let query, !query.isEmpty {
            var kept: [(String, String)] = []
            for pair in query.split(whereSeparator: { $0 == "&" || $0 == ";" }) where !pair.isEmpty {
                let name: Substring
                let value: Substring?
                if let eq = pair.firstIndex(of: "=") {
                    name = pair[..<eq]
                    value = pair[pair.index(after: eq)...]
                } else {
                    name = pair
                    value = nil
                }
                if LinkNormalizer.isTracking(name: String(name), value: value.map(String.init)) { continue }
                kept.append((String(name), value.map { "=" + $0 } ?? ""))
            }
            kept.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            if !kept.isEmpty { out += "?" + kept.map { $0.0 + $0.1 }.joined(separator: "&") }
        }
        return out
    }
}
