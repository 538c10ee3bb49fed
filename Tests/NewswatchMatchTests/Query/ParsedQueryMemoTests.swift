import NewswatchCore
import Testing

@testable import NewswatchMatch

/// A config check keeps the queries it parsed for the matcher compiled next (issue 18: one parse per query per load).
@Suite struct ParsedQueryMemoTests {
    private let topics = [
        TopicDefinition(id: "gaza", name: "Gaza", query: "Gaza OR \"Gaza Strip\"", exclude: "football"),
        TopicDefinition(id: "ports", name: "Ports", query: "(port OR harbour) NEAR/3 strike*"),
        TopicDefinition(id: "same", name: "Same query", query: "Gaza OR \"Gaza Strip\""),
    ]

    private func check(_ memo: ParsedQueryMemo) throws {
        for topic in topics {
            _ = try memo.parseAndKeep(topic.query)
            if let exclude = topic.exclude { _ = try memo.parseAndKeep(exclude) }
        }
    }

    @Test func aCompileAfterACheckParsesNothingAgainAndEmptiesTheMemo() throws {
        let memo = ParsedQueryMemo()
        try check(memo)
        // Four texts checked (one query twice: kept once).
        #expect(memo.counts.parses == 4)
        #expect(memo.counts.kept == 3)
        _ = try TopicMatcher(topics: topics, memo: memo)
        // The repeated query's second topic parses it again: its kept copy went to the first.
        #expect(memo.counts.parses == 5)
        #expect(memo.counts.kept == 0)
    }

    @Test func aMatcherFromKeptQueriesMatchesAsOneParsedAfresh() throws {
        let memo = ParsedQueryMemo()
        try check(memo)
        let kept = try TopicMatcher(topics: topics, memo: memo)
        let fresh = try TopicMatcher(topics: topics, memo: ParsedQueryMemo())
        for title in ["Strikes on Gaza overnight", "Gaza football final", "Harbour workers striking", "Tokyo"] {
            let item = MatchableItem(title: title)
            #expect(kept.match(item) == fresh.match(item), "\(title)")
        }
    }

    @Test func aKeptQueryOfTextsNoLongerConfiguredIsDroppedByTheNextCompile() throws {
        let memo = ParsedQueryMemo()
        _ = try memo.parseAndKeep("removed-topic OR gone")
        _ = try TopicMatcher(topics: topics, memo: memo)
        #expect(memo.counts.kept == 0)
    }

    @Test func aBadQueryIsNotKeptAndStillFailsTheCompile() throws {
        let memo = ParsedQueryMemo()
        #expect(throws: QueryError.self) { try memo.parseAndKeep("Gaza OR") }
        #expect(memo.counts.kept == 0)
        let bad = TopicDefinition(id: "bad", name: "Bad", query: "Gaza OR")
        #expect(throws: TopicCompileError.self) { try TopicMatcher(topics: [bad], memo: memo) }
    }
}
