import NewswatchCore

extension StatusReport {
    /// `"verdicts": {"TOPIC": {"relevant": N, "irrelevant": N}}`, topics by id (`{}` with none).
    var verdictsJSON: JSONValue {
        .object(
            verdicts.map { v in
                (v.topic, .object([("relevant", .int(v.relevant)), ("irrelevant", .int(v.irrelevant))]))
            })
    }

    /// One line per topic with verdicts: `verdicts gaza: 3 relevant, 1 irrelevant`; nothing without verdicts.
    var verdictLines: String {
        verdicts.map { "verdicts \($0.topic): \($0.relevant) relevant, \($0.irrelevant) irrelevant\n" }.joined()
    }
}
