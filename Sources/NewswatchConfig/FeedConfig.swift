import Foundation
import NewswatchCore

/// One feed to poll, from a `[[feeds]]` entry or from an OPML file one names.
public struct FeedConfig: Sendable, Equatable {
    /// Where the feed's bytes come from.
    public enum Source: Sendable, Hashable, CustomStringConvertible {
        /// An `http`/`https` URL, fetched with the daemon's fetcher.
        case url(URL)
        /// A local file (`path =`), absolute.
        case file(URL)

        /// As shown in messages and summaries: a URL without its user-info (`https://***@host/…`, CONTRACT §4).
        public var description: String {
            switch self {
            case .url(let u): return URLRedaction.redact(u.absoluteString)
            case .file(let f): return f.path
            }
        }
    }

    /// Where the feed is read from.
    public var source: Source
    /// The configured name (or the OPML outline's title); `nil` means "use the feed's own title".
    public var name: String?
    /// The effective poll interval: the entry's own `interval`, else `daemon.interval`.
    public var interval: ConfigDuration
    /// Whether `interval` was set on this entry rather than inherited.
    public var intervalIsOverride: Bool
    /// The entry's `tags`: what a topic's `feeds = ["tag:…"]` selects it by.
    public var tags: [String]
    /// The OPML file that listed this feed, if it came from one.
    public var opml: URL?

    /// A feed entry; `interval` is the effective one.
    public init(
        source: Source, name: String? = nil, interval: ConfigDuration, intervalIsOverride: Bool = false,
        tags: [String] = [], opml: URL? = nil
    ) {
        self.source = source
        self.name = name
        self.interval = interval
        self.intervalIsOverride = intervalIsOverride
        self.tags = tags
        self.opml = opml
    }

    /// A stable identity for the feed: its URL without user-info, or `file://` + absolute path; unique within one
    /// config.
    ///
    /// The state database keys feeds by this, so it never stores a credential, and a changed password keeps the
    /// feed's history. Two entries that differ only in user-info are therefore the same feed (a config error).
    public var key: String {
        switch source {
        case .url(let u): return URLRedaction.removingUserInfo(FeedConfig.normalizedKey(u))
        case .file(let f): return f.standardizedFileURL.absoluteString
        }
    }

    /// The host, lower-cased, for per-host limits; `nil` for local files.
    public var host: String? {
        guard case .url(let u) = source else { return nil }
        return u.host?.lowercased()
    }

    /// The URL with scheme and host lower-cased (they are case-insensitive); everything else as written.
    static func normalizedKey(_ url: URL) -> String {
        plainKey(url.absoluteString) ?? componentsKey(url)
    }

    /// `normalizedKey` through `URLComponents`, whose first use loads ICU's IDNA data (~1.2 MiB more resident,
    /// issue 18): only for URLs `plainKey` leaves to it.
    static func componentsKey(_ url: URL) -> String {
        guard var c = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return url.absoluteString }
        c.scheme = c.scheme?.lowercased()
        c.host = c.host?.lowercased()
        if c.path.isEmpty { c.path = "/" }
        return c.string ?? url.absoluteString
    }

    /// `normalizedKey` of a plain URL (printable ASCII, `scheme://host[:port]` with no user-info, IPv6 literal,
    /// percent escape or punycode, a port without a leading zero), by hand; `nil` for any other.
    static func plainKey(_ text: String) -> String? {
        let b = Array(text.utf8)
        guard b.allSatisfy({ $0 > 0x20 && $0 < 0x7F }), let colon = b.firstIndex(of: UInt8(ascii: ":")),
            b[colon...].starts(with: "://".utf8)
        else { return nil }
        let start = colon + 3
        let end =
            b[start...].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }
            ?? b.count
        var host = b[start..<end]
        if let portColon = host.firstIndex(of: UInt8(ascii: ":")) {
            let port = host[(portColon + 1)...]
            guard let first = port.first, first != UInt8(ascii: "0"), port.count <= 5,
                port.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
            else { return nil }
            host = host[..<portColon]
        }
        let scheme = String(decoding: b[..<colon], as: UTF8.self).lowercased()
        let authority = String(decoding: b[start..<end], as: UTF8.self).lowercased()
        guard !host.isEmpty,
            !host.contains(where: { $0 == UInt8(ascii: "@") || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "%") }),
            !authority.contains("xn--"),
            scheme.utf8.allSatisfy({ (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) })
        else { return nil }
        let rest = String(decoding: b[end...], as: UTF8.self)
        return scheme + "://" + authority + (rest.first == "/" ? rest : "/" + rest)
    }
}
