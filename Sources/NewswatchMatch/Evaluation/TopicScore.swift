/// One topic's counts over the scored items, and the figures made from them.
public struct TopicScore: Sendable, Equatable {
    public var id: String
    /// Scored items labelled as belonging to the topic.
    public var positives: Int
    public var truePositives: Int
    public var falsePositives: Int
    public var falseNegatives: Int

    public init(
        id: String, positives: Int = 0, truePositives: Int = 0, falsePositives: Int = 0, falseNegatives: Int = 0
    ) {
        self.id = id
        self.positives = positives
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.falseNegatives = falseNegatives
    }

    /// tp / (tp + fp); 0 when the topic matched nothing (CONTRACT §8).
    public var precision: Double {
        let matched = truePositives + falsePositives
        return matched == 0 ? 0 : Double(truePositives) / Double(matched)
    }

    /// tp / positives; 0 when no scored item is a positive (CONTRACT §8).
    public var recall: Double {
        positives == 0 ? 0 : Double(truePositives) / Double(positives)
    }

    /// The harmonic mean of precision and recall; 0 when both are 0.
    public var f1: Double {
        let p = precision
        let r = recall
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }
}
