import NewswatchCore

/// Which of a topic's query terms occur in an item, whether or not the whole query matches: the evidence shown
/// with a miss (a false negative's terms say what the item has that the query did not combine).
///
/// Each term (in its `field:` scope) becomes a one-term topic of one ordinary `TopicMatcher`, so a term counts as
/// occurring exactly when the daemon's matcher would find it.
public struct TermOccurrences: Sendable {
    /// Per probe topic: the topic it belongs to and the term as shown.
    private let probes: [String: (topic: String, display: String)]
    private let matcher: TopicMatcher?

    /// Probes for every term of each topic's `query` and `exclude` (the latter shown as `-term`). Topics whose
    /// queries do not parse have no probes (the real matcher rejects them before this is reached).
    public init(topics: [TopicDefinition]) {
        var probes: [String: (topic: String, display: String)] = [:]
        var definitions: [TopicDefinition] = []
        for (t, topic) in topics.enumerated() {
            var seen: Set<String> = []
            for (text, prefix) in [(topic.query, ""), (topic.exclude, "-")] {
                guard let text, let query = try? QueryParser.parse(text) else { continue }
                for leaf in query.root.leaves {
                    let printed = QueryPrinter.print(leaf)
                    guard seen.insert(prefix + printed).inserted else { continue }
                    let id = "p\(t)-\(definitions.count)"
                    probes[id] = (topic.id, prefix + printed)
                    definitions.append(TopicDefinition(id: id, name: id, query: printed))
                }
            }
        }
        self.probes = probes
        // Each probe is a term the topic's own query compiled, so compiling them again cannot fail; if it ever
        // did, misses would only lose their term lists.
        matcher = try? TopicMatcher(topics: definitions)
    }

    /// Per topic id, the terms that occur in `item`, in query order.
    public func terms(in item: MatchableItem) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for match in matcher?.match(item) ?? [] {
            guard let probe = probes[match.topicID] else { continue }
            result[probe.topic, default: []].append(probe.display)
        }
        return result
    }
}
