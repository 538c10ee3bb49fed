/// Removing credentials from URLs before they reach a message, a log line or a stored field.
public enum URLRedaction {
    /// `https://user:secret@host/x` → `https://***@host/x`; other URLs unchanged.
    public static func redact(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let authorityStart = schemeEnd.upperBound
        let rest = url[authorityStart...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? url.endIndex
        guard let at = url[authorityStart..<authorityEnd].lastIndex(of: "@") else { return url }
        return String(url[..<authorityStart]) + "***" + String(url[at...])
    }

    /// The `host:port` a URL connects to, lowercased, with the scheme's default port; nil for a URL without host.
    static func hostKey(_ url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        let rest = url[schemeEnd.upperBound...]
        var authority = rest[..<(rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex)]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        guard !authority.isEmpty else { return nil }
        let host = authority.lowercased()
        let hasPort: Bool
        if host.hasPrefix("[") {
            hasPort = host.contains("]:")
        } else {
            hasPort = host.contains(":")
        }
        return hasPort ? host : host + (scheme == "https" ? ":443" : ":80")
    }
}
