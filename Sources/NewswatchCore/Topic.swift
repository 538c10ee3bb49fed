/// How urgent a topic's alerts are (CONTRACT §3 `priority`).
public enum Priority: String, Sendable, Codable, CaseIterable, Comparable {
    case low, normal, high

    /// `low` < `normal` < `high`.
    public static func < (a: Priority, b: Priority) -> Bool {
        let order: [Priority] = [.low, .normal, .high]
        return order.firstIndex(of: a)! < order.firstIndex(of: b)!
    }
}

/// A watched topic as configured (CONTRACT §3), queries still as text.
public struct TopicDefinition: Sendable, Equatable {
    /// `[a-z0-9][a-z0-9-]*`, unique; used in file names and records.
    public var id: String
    /// The display name (alerts, digests).
    public var name: String
    /// The query as written (CONTRACT §3 query syntax).
    public var query: String
    /// An item matching this never matches the topic.
    public var exclude: String?
    /// How urgent the topic's alerts are.
    public var priority: Priority
    /// `false`: digest only.
    public var alert: Bool
    /// Only items from these feeds (feed name, or `tag:TAG`); empty means all feeds.
    public var feeds: [String]
    /// When alerts go to the non-file sinks (`delivery`, `batch`, `quiet_hours`).
    public var delivery: TopicDelivery
    /// Escalation and spike rules (CONTRACT §10 `escalate_sources`, `spike_factor`, `spike_min_items`).
    public var rules = TopicAlertRules()

    /// A topic with the given fields.
    public init(
        id: String, name: String, query: String, exclude: String? = nil, priority: Priority = .normal,
        alert: Bool = true, feeds: [String] = [], delivery: TopicDelivery = .immediate
    ) {
        self.id = id
        self.name = name
        self.query = query
        self.exclude = exclude
        self.priority = priority
        self.alert = alert
        self.feeds = feeds
        self.delivery = delivery
    }
}

/// The part of an item a term matched in.
public enum ItemField: String, Sendable, Codable, CaseIterable {
    case title, summary, content, feed, category
}

/// A query term that matched, as written in the query (`"Gaza Strip"` → `Gaza Strip`), and where.
public struct MatchedTerm: Sendable, Hashable {
    /// The term as written in the query.
    public var term: String
    /// Where the term matched.
    public var field: ItemField
    /// A term and its field.
    public init(term: String, field: ItemField) {
        self.term = term
        self.field = field
    }
}

/// One topic an item matched, with the evidence (for alert explanations and digests).
public struct TopicMatch: Sendable, Equatable {
    /// The id of the topic that matched.
    public var topicID: String
    /// Distinct matched terms in first-occurrence order.
    public var terms: [MatchedTerm]
    /// A match of `topicID` with its terms.
    public init(topicID: String, terms: [MatchedTerm]) {
        self.topicID = topicID
        self.terms = terms
    }

    /// The distinct term texts, in order, for alert and digest output.
    public var termTexts: [String] {
        var seen = Set<String>()
        return terms.map(\.term).filter { seen.insert($0).inserted }
    }
}
