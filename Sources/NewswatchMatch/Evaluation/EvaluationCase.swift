/// One labelled item as the topics see it now: what an editor said it is about, and what the matcher says.
public struct EvaluationCase: Sendable, Equatable {
    /// Where the item came from: a labels file's `file` (as written there), or `alert:ID` for a judged alert.
    public var file: String
    /// The item's 0-based position in its feed document (`nil` for a judged alert).
    public var index: Int?
    public var title: String?
    /// Not scored at all (an editor could not say).
    public var borderline: Bool
    /// Per topic id, whether the item belongs to the topic; a topic absent here is not scored for this item.
    public var labels: [String: Bool]
    /// The topic ids the matcher matched.
    public var matched: Set<String>
    /// Per topic id, the query terms that occurred in the item (shown with misses).
    public var terms: [String: [String]]

    public init(
        file: String, index: Int?, title: String?, borderline: Bool = false, labels: [String: Bool],
        matched: Set<String>, terms: [String: [String]] = [:]
    ) {
        self.file = file
        self.index = index
        self.title = title
        self.borderline = borderline
        self.labels = labels
        self.matched = matched
        self.terms = terms
    }
}
