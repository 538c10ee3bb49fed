import Foundation
import NewswatchConfig
import NewswatchCore
import NewswatchFetch
import NewswatchMatch
import NewswatchParse

/// Where `parse`, `match SOURCE` and `eval` get feeds from, and how their items are matched: the daemon's fetcher
/// and parser, and the daemon's `MatchableItem` of each item, so what these commands show is what alerts.
public enum FeedSource {
    /// The bytes of a source and what is known about them.
    public struct Loaded: Sendable {
        public var data: Data
        /// The document's own URL, for relative links.
        public var baseURL: String?
        /// The `charset` of an HTTP `Content-Type`.
        public var httpCharset: String?

        public init(data: Data, baseURL: String? = nil, httpCharset: String? = nil) {
            self.data = data
            self.baseURL = baseURL
            self.httpCharset = httpCharset
        }
    }

    /// One feed's items matched as the daemon matches them: under its configured name and tags when the source
    /// is a configured feed (same URL or file), else under the feed's own title, else the source as given.
    public struct Matched: Sendable {
        public var feedName: String
        public var feedTags: [String]
        public var reports: [MatchReport]

        /// What the matcher reads of one item of this feed.
        public func matchable(_ item: ParsedItem) -> MatchableItem {
            MatchableItem(item, feedName: feedName, feedTags: feedTags)
        }
    }

    /// Reads a source: a file, `-` (stdin), or an http(s) URL. URL sources go to the daemon's fetcher with its
    /// default policy (CONTRACT §1: parse reads no config).
    public static func load(_ source: String, allowPrivateNetworks: Bool) async throws(TuningError) -> Loaded {
        if isURL(source) {
            var configuration = FetchConfiguration()
            configuration.allowPrivateNetworks = allowPrivateNetworks
            switch await HTTPClient.fetchOnce(FeedRequest(url: source), configuration: configuration) {
            case .ok(let response), .notModified(let response):
                // Links resolve against the URL without user-info, as the daemon's (CONTRACT §4).
                return Loaded(
                    data: response.body, baseURL: URLRedaction.removingUserInfo(response.finalURL),
                    httpCharset: response.charset)
            case .failed(let error):
                var message = error.description
                if error.kind == .forbiddenAddress { message += " (use --allow-private-networks for such a feed)" }
                var failure = TuningError(.unavailable, message)
                failure.fetchExitCode = error.exitCode
                throw failure
            }
        }
        // Files and stdin get the fetcher's body cap too (CONTRACT §2: over the cap exits 65).
        let cap = FetchConfiguration().maxBodyBytes
        if source == "-" {
            do {
                return Loaded(data: try LocalFeedReader.readStandardInput(cap: cap))
            } catch let error as FetchError {
                throw TuningError(.dataError, "<stdin>: \(error.message)")
            } catch {
                throw TuningError(.noInput, "<stdin>: cannot be read")
            }
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) else {
            throw TuningError(.noInput, "\(source): no such file; give a feed file, - or a URL")
        }
        guard !isDirectory.boolValue else {
            throw TuningError(.noInput, "\(source): is a directory, not a feed file")
        }
        do {
            return Loaded(data: try LocalFeedReader.read(path: source, cap: cap))
        } catch let error as FetchError {
            throw TuningError(.dataError, "\(source): \(error.message)")
        } catch {
            throw TuningError(.noInput, "\(source): cannot be read (check its permissions)")
        }
    }

    /// Whether `source` is fetched (an http(s) URL, any case) rather than read from a file or stdin.
    static func isURL(_ source: String) -> Bool {
        let scheme = source.prefix(8).lowercased()
        return scheme.hasPrefix("http://") || scheme.hasPrefix("https://")
    }

    /// Parses loaded bytes; a document that is not a usable feed is a `dataError` naming `source`.
    public static func parse(_ loaded: Loaded, source: String) throws(TuningError) -> ParsedFeed {
        do {
            return try FeedParser.parse(loaded.data, baseURL: loaded.baseURL, httpCharset: loaded.httpCharset)
        } catch {
            throw TuningError(.dataError, "\(URLRedaction.redact(source)): \(error.description)")
        }
    }

    /// Loads, parses and matches every item of `source` in document order (one report per item, never
    /// deduplicated); with `topic`, only that topic's matches are reported.
    public static func match(
        _ source: String, config: NewswatchConfig, matcher: TopicMatcher, topic: String? = nil
    ) async throws(TuningError) -> Matched {
        let feed = try parse(
            try await load(source, allowPrivateNetworks: config.daemon.allowPrivateNetworks), source: source)
        let configured = config.feeds.first { f in
            switch f.source {
            case .url(let u): return u.absoluteString == source
            case .file(let file):
                return file.standardizedFileURL.path == URL(fileURLWithPath: source).standardizedFileURL.path
            }
        }
        let name = configured?.name ?? feed.title ?? source
        let tags = configured?.tags ?? []
        return Matched(
            feedName: name, feedTags: tags,
            reports: MatchReport.evaluate(feed.items, feed: name, feedTags: tags, matcher: matcher, topic: topic))
    }
}
