import NewswatchCore

/// One item as `newswatch match` reports it: the item, its feed, and the topics it matched with their terms.
public struct MatchReport: Sendable, Equatable {
    /// The feed's configured name, else its title, else the source as given.
    public var feed: String
    public var item: ParsedItem
    public var matches: [TopicMatch]

    public init(feed: String, item: ParsedItem, matches: [TopicMatch]) {
        self.feed = feed
        self.item = item
        self.matches = matches
    }

    /// Runs `matcher` over every item of one feed, in document order, one report per item (never deduplicated).
    /// With `topic`, only that topic's matches are reported.
    public static func evaluate(
        _ items: [ParsedItem], feed: String, feedTags: [String] = [], matcher: TopicMatcher, topic: String? = nil
    ) -> [MatchReport] {
        items.map { item in
            var matches = matcher.match(MatchableItem(item, feedName: feed, feedTags: feedTags))
            if let topic { matches.removeAll { $0.topicID != topic } }
            return MatchReport(feed: feed, item: item, matches: matches)
        }
    }

    /// The CONTRACT §3 object: `{"feed", "id", "title", "link", "topics": [{"id", "terms"}]}`.
    public var json: JSONValue {
        .object([
            ("feed", .string(feed)),
            ("id", .string(item.id)),
            ("title", .string(item.title)),
            ("link", .string(item.link)),
            (
                "topics",
                .array(
                    matches.map { match in
                        .object([
                            ("id", .string(match.topicID)), ("terms", .array(match.termTexts.map { .string($0) })),
                        ])
                    })
            ),
        ])
    }

    /// The JSON object on one line (`match --json` prints one per item).
    public var jsonLine: String { json.compact }

    /// A few lines for people: the title, the link, then one line per matched topic naming its terms and fields.
    public var text: String {
        var lines = [item.title ?? item.link ?? item.id ?? "(untitled item)"]
        if let link = item.link, item.title != nil { lines.append("  " + link) }
        if matches.isEmpty {
            lines.append("  no topics")
        }
        for match in matches {
            lines.append(
                "  \(match.topicID): " + match.terms.map { "\($0.term) (\($0.field.rawValue))" }.joined(separator: ", ")
            )
        }
        return lines.joined(separator: "\n")
    }
}
