import NewswatchConfig
import NewswatchCore
import NewswatchMatch

/// The configured topics a tuning command works on, compiled as the daemon compiles them, narrowed by `--topic`.
public struct TopicSelection: Sendable {
    public var matcher: TopicMatcher
    /// The topic ids reported, in configuration order.
    public var ids: [String]

    /// Compiles `config`'s topics; an unknown `topic` is a `usage` error naming the configured ones.
    public init(_ config: NewswatchConfig, topic: String?) throws(TuningError) {
        do {
            matcher = try TopicMatcher(topics: config.topics)
        } catch {
            // The config loader has already compiled every query; this is a corrupt config seen twice.
            throw TuningError(.config, error.description)
        }
        ids = config.topics.map(\.id)
        if let topic {
            guard ids.contains(topic) else {
                throw TuningError(
                    .usage, "no topic '\(topic)' in \(config.origin); configured: \(ids.joined(separator: ", "))")
            }
            ids = [topic]
        }
    }

    /// The topics of `ids` the matcher finds in `item`.
    public func matched(_ item: MatchableItem) -> Set<String> {
        Set(matcher.match(item).map(\.topicID).filter(ids.contains))
    }
}
