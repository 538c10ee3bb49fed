import NewswatchStore

/// One configured feed as the poller sees it: where its bytes come from and how it is known in the store.
public struct PollTarget: Sendable, Hashable {
    /// Where the feed's bytes come from.
    public enum Source: Sendable, Hashable {
        /// An `http`/`https` URL, fetched with the daemon's fetcher and policy.
        case url(String)
        /// A local file (`path =` feeds: offline use, other tools' output).
        case file(String)
    }

    /// Key, display name and URL as stored.
    public var descriptor: FeedDescriptor
    public var source: Source
    /// Configured tags (what topics' `feeds = ["tag:…"]` select).
    public var tags: [String]
    /// The poll interval in seconds (global default or the feed's override).
    public var interval: Double

    public init(descriptor: FeedDescriptor, source: Source, tags: [String], interval: Double) {
        self.descriptor = descriptor
        self.source = source
        self.tags = tags
        self.interval = interval
    }

    /// The host a URL feed is fetched from (lower-cased), `nil` for files: the unit of politeness limits.
    public var host: String? {
        guard case .url(let url) = source, let start = url.range(of: "://")?.upperBound else { return nil }
        var rest = url[start...]
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        return rest.lowercased()
    }
}
