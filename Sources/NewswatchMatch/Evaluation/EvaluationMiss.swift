/// An item the topic got wrong: a positive it did not match (`fn`) or a negative it matched (`fp`).
public struct EvaluationMiss: Sendable, Equatable {
    /// Which way the topic was wrong.
    public enum Kind: String, Sendable {
        case falseNegative = "fn"
        case falsePositive = "fp"
    }

    public var topic: String
    public var kind: Kind
    public var file: String
    public var index: Int?
    public var title: String?
    /// The topic's query terms that occurred in the item (`-term` for a term of its `exclude`).
    public var terms: [String]

    public init(topic: String, kind: Kind, file: String, index: Int?, title: String?, terms: [String]) {
        self.topic = topic
        self.kind = kind
        self.file = file
        self.index = index
        self.title = title
        self.terms = terms
    }
}
