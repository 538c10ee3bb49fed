import NewswatchCore
import NewswatchMatch

/// One query tried on one text (`match --query Q --text T`): whether it matches and what to print.
struct QueryTrial: Sendable {
    /// Whether the query matched.
    var matched: Bool
    /// "match" and the matched terms, or "no match".
    var output: String

    /// Evaluates `query` on `text` as an item's summary and `title` as its title; a query that does not parse is a
    /// usage error (exit 64) naming the column.
    init(_ query: String, title: String?, text: String?) throws(CommandError) {
        do {
            _ = try QueryParser.parse(query)
        } catch {
            throw CommandError(.usage, "\(error.description); fix the query and try again")
        }
        let matcher: TopicMatcher
        do {
            matcher = try TopicMatcher(topics: [TopicDefinition(id: "query", name: "query", query: query)])
        } catch {
            throw CommandError(.usage, error.description)
        }
        guard let match = matcher.match(MatchableItem(title: title, summary: text)).first else {
            self.matched = false
            self.output = "no match\n"
            return
        }
        let terms = match.terms.map { "\($0.term) (\($0.field.rawValue))" }.joined(separator: ", ")
        self.matched = true
        self.output = "match\nterms: \(terms)\n"
    }
}
