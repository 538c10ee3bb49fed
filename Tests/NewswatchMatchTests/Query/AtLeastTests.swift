import NewswatchCore
import PropertyBased
import Testing

@testable import NewswatchMatch

/// `ATLEAST/n x`: the item names `x` (a term, a phrase or an OR-group of them) at `n` or more word positions.
@Suite struct AtLeastTests {
    private func canonical(_ q: String) throws -> String { try QueryText.canonical(q) }

    private func error(_ q: String) -> QueryError? { QueryText.error(q) }

    private func matches(_ query: String, title: String? = nil, summary: String? = nil) throws -> TopicMatch? {
        let matcher = try TopicMatcher(topics: [TopicDefinition(id: "t", name: "T", query: query)])
        return matcher.match(MatchableItem(title: title, summary: summary)).first
    }

    @Test func parsesAndPrints() throws {
        #expect(try canonical("ATLEAST/2 Gaza") == "ATLEAST/2 Gaza")
        #expect(
            try canonical("ATLEAST/2 (Gaza OR \"Gaza Strip\" OR Rafah*)")
                == "ATLEAST/2 (Gaza OR \"Gaza Strip\" OR Rafah*)")
        #expect(try canonical("ATLEAST/3 title:(a OR b)") == "ATLEAST/3 title:(a OR b)")
        #expect(try canonical("title:(ATLEAST/2 a)") == "title:(ATLEAST/2 a)")
        #expect(try canonical("Israel ATLEAST/2 (Gaza OR Rafah) OR x") == "Israel AND ATLEAST/2 (Gaza OR Rafah) OR x")
        // It binds like a term: NOT and AND take it whole.
        let q = try QueryParser.parse("NOT ATLEAST/2 a b")
        #expect(q.root == .and([.not(.atLeast(.term(Query.Term(text: "a")), count: 2)), .term(Query.Term(text: "b"))]))
        #expect(try canonical("NOT ATLEAST/2 a b") == "NOT ATLEAST/2 a AND b")
    }

    @Test func errorsNameTheColumn() throws {
        #expect(error("ATLEAST Gaza")?.kind == .badAtLeast)
        #expect(error("ATLEAST Gaza")?.column == 8)
        #expect(error("x ATLEAST/0 Gaza")?.kind == .badAtLeast)
        #expect(error("x ATLEAST/0 Gaza")?.column == 11)
        #expect(error("ATLEAST/101 Gaza")?.message == "expected a count from 1 to 100 after ATLEAST/")
        #expect(error("ATLEAST/two Gaza")?.kind == .badAtLeast)
        #expect(error("ATLEAST/-2 Gaza")?.kind == .badAtLeast)
        #expect(error("ATLEAST/2")?.kind == .expectedTerm)
        #expect(error("ATLEAST/2")?.message == "expected a term, phrase or '(' after ATLEAST/2")
        let and = error("a OR ATLEAST/2 (Gaza AND Rafah)")
        #expect(and?.kind == .badAtLeast)
        #expect(and?.column == 16)
        #expect(and?.message == "ATLEAST/2 counts a term, a phrase or an OR-group of them, not other operators")
        #expect(error("ATLEAST/2 (NOT a)")?.kind == .badAtLeast)
        #expect(error("ATLEAST/2 ATLEAST/2 a")?.kind == .badAtLeast)
        // Not a NEAR side: NEAR takes terms, phrases and OR-groups only.
        #expect(error("ATLEAST/2 a NEAR/3 b")?.kind == .badNearOperand)
        // Written in lower case or quoted, it is a term.
        #expect(try canonical("atleast/2") == "atleast/2")
        #expect(try canonical("\"ATLEAST/2\"") == "\"ATLEAST/2\"")
    }

    @Test func countsDistinctWordPositions() throws {
        let q = "ATLEAST/2 (Gaza OR \"Gaza Strip\" OR Rafah)"
        #expect(try matches(q, title: "Strikes on Gaza", summary: "Rafah crossing closed") != nil)
        #expect(try matches(q, title: "Gaza and Gaza") != nil)
        #expect(try matches(q, title: "Report on Gaza", summary: "Sudan's war") == nil)
        // "Gaza Strip" and "Gaza" start at one word: one mention.
        #expect(try matches(q, summary: "Aid to the Gaza Strip") == nil)
        #expect(try matches(q, summary: "Aid to the Gaza Strip and Rafah") != nil)
        #expect(try matches("ATLEAST/1 Gaza", title: "Gaza") != nil)
        #expect(try matches("ATLEAST/3 Gaza", title: "Gaza, Gaza", summary: "Gaza") != nil)
        #expect(try matches("ATLEAST/3 Gaza", title: "Gaza, Gaza", summary: "Rafah") == nil)
    }

    @Test func countsOnlyInTheScopedFields() throws {
        #expect(try matches("ATLEAST/2 title:Gaza", title: "Gaza", summary: "Gaza") == nil)
        #expect(try matches("title:(ATLEAST/2 Gaza)", title: "Gaza, Gaza", summary: "x") != nil)
        #expect(try matches("ATLEAST/2 (title:Gaza OR summary:Rafah)", title: "Gaza", summary: "Rafah") != nil)
        #expect(try matches("ATLEAST/2 (title:Gaza OR summary:Rafah)", title: "Rafah", summary: "Gaza") == nil)
    }

    @Test func combinesWithTheOtherOperatorsAndExplains() throws {
        let q = "Israel* AND ATLEAST/2 (Gaza OR Rafah) AND NOT ATLEAST/2 (Hezbollah OR Lebanon)"
        let m = try matches(q, title: "Israeli troops in Rafah", summary: "Fighting across Gaza.")
        #expect(m?.termTexts == ["Israel*", "Rafah", "Gaza"])
        #expect(try matches(q, title: "Israeli troops in Rafah", summary: "Gaza, Lebanon and Hezbollah") == nil)
        #expect(try matches(q, title: "Israeli troops in Rafah", summary: "Gaza and Lebanon") != nil)
    }

    /// On random texts: `ATLEAST/1 g` is `g`; each count implies the one below; and `ATLEAST/n` of one word holds
    /// exactly when the word occurs `n` times (counted by the normaliser).
    @Test func agreesWithCountingWords() async throws {
        let group = "(Gaza OR \"Gaza Strip\" OR Rafah)"
        let counts = [1, 2, 3, 4]
        let matcher = try TopicMatcher(
            topics: [TopicDefinition(id: "plain", name: "P", query: group)]
                + counts.map { TopicDefinition(id: "g\($0)", name: "G", query: "ATLEAST/\($0) \(group)") }
                + counts.map { TopicDefinition(id: "r\($0)", name: "R", query: "ATLEAST/\($0) rafah") })
        let vocabulary = ["Gaza", "Gaza Strip", "gaza-strip", "Rafah", "RAFAH", "strip", "Hamas", "the", "Gazan"]
        await propertyCheck(count: 300, input: Gen.element(of: vocabulary).array(of: 0...16)) { picks in
            let words = picks.compactMap { $0 }
            let title = words.prefix(words.count / 2).joined(separator: " ")
            let summary = words.dropFirst(words.count / 2).joined(separator: " ")
            let got = Set(matcher.match(MatchableItem(title: title, summary: summary)).map(\.topicID))
            #expect(got.contains("plain") == got.contains("g1"))
            for n in counts.dropFirst() where got.contains("g\(n)") { #expect(got.contains("g\(n - 1)")) }
            let rafahs = (TextNormalizer.words(title) + TextNormalizer.words(summary)).filter { $0.text == "rafah" }
            for n in counts { #expect(got.contains("r\(n)") == (rafahs.count >= n), "\(title) | \(summary)") }
        }
    }
}
