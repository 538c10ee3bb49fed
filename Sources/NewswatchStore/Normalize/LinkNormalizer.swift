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
        if let plain = plainNormalized(link) { return plain }
        return slowNormalize(link)
    }

    /// `normalize` for any link: splits it and applies every rule.
    static func slowNormalize(_ link: String) -> String? {
        var bytes = Array(link.utf8)[...]
        while let f = bytes.first, isSpace(f) { bytes = bytes.dropFirst() }
        while let l = bytes.last, isSpace(l) { bytes = bytes.dropLast() }
        if bytes.isEmpty {
            // Other Unicode white space (rare): fall back to the character-level trim.
            let t = link.trimmingCharacters(in: .whitespacesAndNewlines)
            return t.isEmpty ? nil : t
        }
        guard var url = SplitURL(bytes) else { return String(decoding: bytes, as: UTF8.self) }
        if url.host.ends(with: ".cdn.ampproject.org"), let inner = ampCacheTarget(url) {
            url = inner
        }
        return url.normalized()
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 32 || (b >= 9 && b <= 13) }

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
        default:
            return v.isEmpty || v.contains("rss") || v.contains("feed") || v.contains("twitter")
                || v.contains("facebook") || v.contains("newsletter") || v.contains("email")
        }
    }

    private static func ampCacheTarget(_ url: SplitURL) -> SplitURL? {
        // /c/s/host/path (https) or /c/host/path (http); /v/… for viewer URLs; /i/ for images.
        var parts = url.path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
        guard let first = parts.first, first.count == 1,
            [UInt8(ascii: "c"), UInt8(ascii: "v"), UInt8(ascii: "i")]
                .contains(first[first.startIndex])
        else { return nil }
        parts.removeFirst()
        if let s = parts.first, s.elementsEqual([UInt8(ascii: "s")]) { parts.removeFirst() }
        guard let host = parts.first, host.contains(UInt8(ascii: ".")) else { return nil }
        parts.removeFirst()
        var inner = url
        inner.host = host.map(asciiLower)
        inner.port = nil
        inner.path = [UInt8(ascii: "/")] + Array(parts.joined(separator: [UInt8(ascii: "/")]))
        return inner
    }
}

@inline(__always) func asciiLower(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b + 32 : b }

extension Array where Element == UInt8 {
    func ends(with suffix: String) -> Bool {
        let s = Array(suffix.utf8)
        return count >= s.count && self[(count - s.count)...].elementsEqual(s)
    }
}

/// An absolute http(s) URL split into the parts the normaliser touches (as UTF-8 bytes: this runs for every item).
struct SplitURL {
    var host: [UInt8]
    var port: [UInt8]?
    var userinfo: [UInt8]?
    var path: [UInt8]
    var query: [UInt8]?

    init?(_ text: ArraySlice<UInt8>) {
        guard let colon = text.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let scheme = text[..<colon].map(asciiLower)
        guard scheme == Array("http".utf8) || scheme == Array("https".utf8) else { return nil }
        var rest = text[(colon + 1)...]
        guard rest.starts(with: [UInt8(ascii: "/"), UInt8(ascii: "/")]) else { return nil }
        rest = rest.dropFirst(2)
        if let hash = rest.firstIndex(of: UInt8(ascii: "#")) { rest = rest[..<hash] }
        var queryPart: ArraySlice<UInt8>? = nil
        if let q = rest.firstIndex(of: UInt8(ascii: "?")) {
            queryPart = rest[(q + 1)...]
            rest = rest[..<q]
        }
        let authorityEnd = rest.firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        path = Array(rest[authorityEnd...])
        if let at = authority.lastIndex(of: UInt8(ascii: "@")) {
            userinfo = Array(authority[..<at])
            authority = authority[(at + 1)...]
        }
        // An IPv6 literal keeps its colons inside brackets.
        if let c = authority.lastIndex(of: UInt8(ascii: ":")), !authority[c...].contains(UInt8(ascii: "]")) {
            let p = authority[(c + 1)...]
            port = p.isEmpty ? nil : Array(p)
            authority = authority[..<c]
        }
        var h = authority.map(asciiLower)
        while h.last == UInt8(ascii: ".") { h.removeLast() }
        guard !h.isEmpty else { return nil }
        host = h
        if port == Array("80".utf8) || port == Array("443".utf8) { port = nil }
        query = queryPart.map(Array.init)
    }

    func normalized() -> String {
        var h = host[...]
        if h.starts(with: "www.".utf8) { h = h.dropFirst(4) }
        if h.starts(with: "amp.".utf8) && h.filter({ $0 == UInt8(ascii: ".") }).count >= 2 { h = h.dropFirst(4) }

        var out = Array("https://".utf8)
        out.reserveCapacity(host.count + path.count + (query?.count ?? 0) + 16)
        if let userinfo, !userinfo.isEmpty { out += userinfo + [UInt8(ascii: "@")] }
        out += h
        if let port { out += [UInt8(ascii: ":")] + port }

        // Path: collapse empty segments, drop AMP segments and suffixes, drop the trailing slash.
        var segments = path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
        segments.removeAll { $0.count == 3 && $0.map(asciiLower).elementsEqual("amp".utf8) }
        if var last = segments.popLast() {
            let lower = last.map(asciiLower)
            if lower.ends(with: ".amp") {
                last = last.dropLast(4)
            } else if let r = SplitURL.lastRange(of: Array(".amp.".utf8), in: lower),
                !lower[(r + 5)...].contains(UInt8(ascii: "."))
            {
                // story.amp.html → story.html
                let base = last.startIndex
                last = ArraySlice(last[base..<(base + r)] + last[(base + r + 4)...])
            }
            if !last.isEmpty { segments.append(last) }
        }
        for segment in segments {
            out.append(UInt8(ascii: "/"))
            out += segment
        }

        if let query, !query.isEmpty {
            var kept: [(String, String)] = []
            for pair in query.split(whereSeparator: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: ";") }) {
                let name: String
                let value: String?
                if let eq = pair.firstIndex(of: UInt8(ascii: "=")) {
                    name = String(decoding: pair[..<eq], as: UTF8.self)
                    value = String(decoding: pair[(eq + 1)...], as: UTF8.self)
                } else {
                    name = String(decoding: pair, as: UTF8.self)
                    value = nil
                }
                if LinkNormalizer.isTracking(name: name, value: value) { continue }
                kept.append((name, value.map { "=" + $0 } ?? ""))
            }
            kept.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            if !kept.isEmpty { out += Array(("?" + kept.map { $0.0 + $0.1 }.joined(separator: "&")).utf8) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The offset (from the start of `hay`) of the last occurrence of `needle`.
    static func lastRange(of needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        var i = hay.count - needle.count
        while i >= 0 {
            if hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i -= 1
        }
        return nil
    }
}
