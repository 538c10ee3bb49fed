import NewswatchConfig
import NewswatchMatch
import NewswatchStore

extension StoredItem {
    /// What the matcher reads of this stored item, with its feed's configured tags as they are now.
    func matchable(tags: [String: [String]]) -> MatchableItem {
        MatchableItem(
            title: title, summary: summary, content: content, feedName: feedName, feedTags: tags[feedKey] ?? [],
            categories: categories)
    }

    /// Configured feed tags by feed key (the key the store records items under).
    static func feedTags(_ config: NewswatchConfig) -> [String: [String]] {
        Dictionary(config.feeds.map { ($0.key, $0.tags) }, uniquingKeysWith: { first, _ in first })
    }
}
