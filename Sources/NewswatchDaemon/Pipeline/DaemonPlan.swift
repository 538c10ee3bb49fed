import Foundation
import NewswatchConfig
import NewswatchCore
import NewswatchDigest
import NewswatchFetch
import NewswatchMatch
import NewswatchStore

/// Everything one validated config turns into before the daemon can poll: resolved feeds, the compiled topics,
/// the fetch policy. Built whole before it replaces the old one, so a reload is all-or-nothing.
public struct DaemonPlan: Sendable {
    public var config: NewswatchConfig
    public var targets: [PollTarget]
    public var matcher: TopicMatcher
    public var fetch: FetchConfiguration
    public var digestSchedule: DigestSchedule

    public init(config: NewswatchConfig) throws(TopicCompileError) {
        self.config = config
        targets = config.feeds.map(Self.target)
        matcher = try TopicMatcher(topics: config.topics)
        let d = config.daemon
        fetch = FetchConfiguration(
            userAgent: d.userAgent, connectTimeout: d.connectTimeout.timeInterval, timeout: d.timeout.timeInterval,
            maxBodyBytes: Int(d.maxBody.bytes), maxConcurrent: d.concurrency, maxPerHost: 2,
            allowPrivateNetworks: d.allowPrivateNetworks)
        digestSchedule = DigestSchedule(time: config.digest.time, timeZone: config.digest.timeZone)
    }

    /// The poll target of one configured feed.
    static func target(_ feed: FeedConfig) -> PollTarget {
        let source: PollTarget.Source
        let url: String?
        switch feed.source {
        case .url(let u):
            // Only the request carries the credentials; what is stored and shown has none (CONTRACT §4).
            source = .url(u.absoluteString)
            url = URLRedaction.redact(u.absoluteString)
        case .file(let f):
            source = .file(f.path)
            url = nil
        }
        let name = feed.name ?? Self.fallbackName(feed)
        return PollTarget(
            descriptor: FeedDescriptor(key: feed.key, name: name, url: url), source: source, tags: feed.tags,
            interval: feed.interval.timeInterval)
    }

    /// A feed without a configured name is shown by its host (or file name) until an editor names it.
    private static func fallbackName(_ feed: FeedConfig) -> String {
        switch feed.source {
        case .url(let u): return u.host ?? u.absoluteString
        case .file(let f): return f.lastPathComponent
        }
    }
}
