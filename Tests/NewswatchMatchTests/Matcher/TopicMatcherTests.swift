import NewswatchCore
import Testing

@testable import NewswatchMatch

@Suite struct TopicMatcherTests {
    private func matches(
        _ query: String, title: String? = nil, summary: String? = nil, content: String? = nil,
        feed: String = "Wire", tags: [String] = [], categories: [String] = [], exclude: String? = nil,
        feeds: [String] = []
    ) throws -> TopicMatch? {
        let topic = TopicDefinition(id: "t", name: "T", query: query, exclude: exclude, feeds: feeds)
        let matcher = try TopicMatcher(topics: [topic])
        let item = MatchableItem(
            title: title, summary: summary, content: content, feedName: feed, feedTags: tags, categories: categories)
        return matcher.match(item).first
    }

    private func hit(_ query: String, _ text: String) throws -> Bool {
        try matches(query, title: text) != nil
    }

    @Test func wordsMatchWholeWordsOnly() throws {
        #expect(try hit("Gaza", "Strikes on Gaza overnight"))
        #expect(try !hit("Gaza", "Gazans flee south"))
        #expect(try !hit("Israel", "Israeli cabinet meets"))
        #expect(try hit("Israel", "Israel's cabinet meets"))
    }

    @Test func caseDiacriticsAndDashesDoNotMatter() throws {
        #expect(try hit("Netanyahu", "NÉTANYAHU speaks"))
        #expect(try hit("\"US Israel\"", "U.S.–Israel talks"))
        #expect(try hit("US-Israel", "US/Israel talks"))
        #expect(try hit("\"Gaza Strip\"", "the Gaza-Strip border"))
    }

    @Test func acronymTermsNeedCapitalsOrDots() throws {
        #expect(try hit("US", "US envoy arrives"))
        #expect(try hit("US", "U.S. envoy arrives"))
        #expect(try hit("US", "US ENVOY ARRIVES IN ISRAEL"))
        #expect(try hit("U.S.", "US envoy arrives"))
        #expect(try !hit("US", "Tell us what you think"))
        #expect(try !hit("US", "Us Weekly exclusive"))
        #expect(try !hit("UN", "un homme"))
        #expect(try hit("UN", "U.N. vote"))
        // A lower-case term matches every spelling.
        #expect(try hit("us", "US envoy"))
    }

    @Test func phrasesNeedConsecutiveWords() throws {
        #expect(try hit("\"White House\"", "The White House said"))
        #expect(try !hit("\"White House\"", "White paint for the house"))
        #expect(try !hit("\"White House\"", "White"))
    }

    @Test func prefixes() throws {
        #expect(try hit("Israeli*", "Israelis protest"))
        #expect(try hit("Israeli*", "Israeli"))
        #expect(try !hit("Israeli*", "Israel"))
        #expect(try hit("\"Khan Youn\" OR Gaza-Stri*", "fighting in the Gaza Strip"))
        #expect(try hit("ceasefire*", "CEASEFIRES"))
    }

    @Test func booleanOperators() throws {
        #expect(try hit("Gaza AND ceasefire", "Gaza ceasefire talks"))
        #expect(try !hit("Gaza AND ceasefire", "Gaza talks"))
        #expect(try hit("Gaza OR Rafah", "Rafah crossing"))
        #expect(try !hit("Gaza NOT football", "Gaza football club"))
        #expect(try hit("Gaza -football", "Gaza talks"))
        #expect(try hit("NOT football", "anything at all"))
        #expect(try !hit("NOT football", "football"))
        // Precedence: a b OR c = (a AND b) OR c.
        #expect(try hit("a b OR c", "c"))
        #expect(try !hit("a b OR c", "a"))
        #expect(try hit("a (b OR c)", "a c"))
        #expect(try !hit("a (b OR c)", "c"))
    }

    @Test func nearCountsWordsBetweenNearestEndsEitherOrder() throws {
        // Distance between "US" (0) and "Israel" (3) is 3.
        #expect(try hit("US NEAR/3 Israel", "US envoy meets Israel"))
        #expect(try !hit("US NEAR/2 Israel", "US envoy meets Israel"))
        #expect(try hit("US NEAR/3 Israel", "Israel meets envoy from US") == false)
        #expect(try hit("US NEAR/4 Israel", "Israel meets envoy from US"))
        #expect(try hit("\"White House\" NEAR/1 Netanyahu", "White House Netanyahu"))
        #expect(try hit("\"White House\" NEAR/3 Netanyahu", "Netanyahu and the White House"))
        #expect(try !hit("\"White House\" NEAR/2 Netanyahu", "Netanyahu and the White House"))
        #expect(try hit("(Biden OR Trump) NEAR/2 (Netanyahu OR Israel*)", "Trump calls Israelis"))
        #expect(try !hit("Gaza NEAR/5 Gaza", "Gaza"))
        #expect(try hit("Gaza NEAR/5 Gaza", "Gaza and Gaza"))
    }

    @Test func nearStaysInOneField() throws {
        #expect(try matches("US NEAR/3 Israel", title: "US envoy", summary: "Israel replies") == nil)
        #expect(try matches("US NEAR/3 Israel", title: "US envoy", summary: "to Israel") == nil)
        #expect(try matches("US NEAR/3 Israel", title: "news", summary: "US envoy to Israel") != nil)
        #expect(try matches("US NEAR/3 Israel", content: "US envoy to Israel") != nil)
        // Two categories are two fields' worth of words: no phrase spans them.
        #expect(try matches("category:\"Middle East\"", categories: ["Middle", "East"]) == nil)
        #expect(try matches("category:\"Middle East\"", categories: ["World", "Middle East"]) != nil)
    }

    @Test func fieldScoping() throws {
        #expect(try matches("title:Gaza", title: "Gaza", summary: "x") != nil)
        #expect(try matches("title:Gaza", title: "x", summary: "Gaza") == nil)
        #expect(try matches("summary:Gaza", title: "Gaza", summary: "x") == nil)
        #expect(try matches("summary:Gaza", title: "x", summary: "Gaza") != nil)
        #expect(try matches("Gaza", content: "Gaza") != nil)
        #expect(try matches("feed:BBC", title: "x", feed: "BBC World") != nil)
        #expect(try matches("feed:BBC", title: "BBC", feed: "Reuters") == nil)
        #expect(try matches("Sport", title: "x", categories: ["Sport"]) == nil)
        #expect(try matches("category:Sport", title: "x", categories: ["Sport"]) != nil)
        #expect(try matches("title:(Gaza OR Rafah) Hamas", title: "Rafah", summary: "Hamas") != nil)
        #expect(try matches("title:(summary:Gaza)", title: "Gaza", summary: "Gaza") == nil)
    }

    @Test func excludeVetoesAMatch() throws {
        #expect(try matches("Gaza", title: "Gaza match report", exclude: "title:match*") == nil)
        #expect(try matches("Gaza", title: "Gaza talks", exclude: "title:match*") != nil)
        #expect(try matches("Gaza", title: "Gaza talks", summary: "football", exclude: "title:football") != nil)
    }

    @Test func feedsRestriction() throws {
        #expect(try matches("Gaza", title: "Gaza", feed: "Wire", feeds: ["Wire"]) != nil)
        #expect(try matches("Gaza", title: "Gaza", feed: "Other", feeds: ["Wire"]) == nil)
        #expect(try matches("Gaza", title: "Gaza", feed: "Other", tags: ["mideast"], feeds: ["tag:mideast"]) != nil)
        #expect(try matches("Gaza", title: "Gaza", feed: "Other", tags: ["sport"], feeds: ["tag:mideast"]) == nil)
    }

    @Test func explainsTermsInOrderWithFields() throws {
        let m = try matches(
            "(\"Gaza Strip\" OR Hamas OR Rafah) AND NOT football", title: "Hamas says", summary: "in the Gaza Strip")
        #expect(
            m?.terms == [MatchedTerm(term: "Hamas", field: .title), MatchedTerm(term: "Gaza Strip", field: .summary)])
        #expect(m?.termTexts == ["Hamas", "Gaza Strip"])
        // Prefix terms are named as written; NOT parts are never evidence; OR names every alternative found.
        let p = try matches("Israeli* OR Gaza", title: "Gaza: Israelis and Gaza")
        #expect(p?.termTexts == ["Gaza", "Israeli*"])
        #expect(try matches("US NEAR/2 Israel", title: "US and Israel and US")?.termTexts == ["US", "Israel"])
    }

    @Test func resultsFollowTopicOrder() throws {
        let matcher = try TopicMatcher(topics: [
            TopicDefinition(id: "b", name: "B", query: "Rafah"),
            TopicDefinition(id: "a", name: "A", query: "Gaza"),
            TopicDefinition(id: "c", name: "C", query: "NOT Gaza"),
            TopicDefinition(id: "d", name: "D", query: "Gaza OR Rafah"),
        ])
        let result = matcher.match(MatchableItem(title: "Gaza and Rafah"))
        #expect(result.map(\.topicID) == ["b", "a", "d"])
        #expect(matcher.match(MatchableItem(title: "Tokyo")).map(\.topicID) == ["c"])
        #expect(matcher.match(MatchableItem(title: nil)).map(\.topicID) == ["c"])
    }

    @Test func compileErrorsNameTopicAndQuery() {
        #expect(throws: TopicCompileError.self) {
            try TopicMatcher(topics: [TopicDefinition(id: "x", name: "X", query: "(a")])
        }
        do {
            _ = try TopicMatcher(topics: [
                TopicDefinition(id: "ok", name: "OK", query: "a"),
                TopicDefinition(id: "bad", name: "Bad", query: "a", exclude: "b OR"),
            ])
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .invalidQuery)
            #expect(error.topicID == "bad")
            #expect(error.field == .exclude)
            #expect(error.queryError?.column == 5)
            #expect(error.description == "topic 'bad': exclude:1:5: expected a term, phrase or '(' after OR")
        }
        do {
            _ = try TopicMatcher(topics: [
                TopicDefinition(id: "x", name: "X", query: "a"), TopicDefinition(id: "x", name: "Y", query: "b"),
            ])
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .duplicateID)
        }
    }

    @Test func manyTopicsShareOneTable() throws {
        var topics: [TopicDefinition] = []
        for i in 0..<300 {
            topics.append(TopicDefinition(id: "t\(i)", name: "T\(i)", query: "\"word\(i) next\" OR w\(i)x*"))
        }
        let matcher = try TopicMatcher(topics: topics)
        let result = matcher.match(MatchableItem(title: "word7 next, w250xyz and word9"))
        #expect(result.map(\.topicID) == ["t7", "t250"])
    }

    @Test func oneMatcherGivesEachItemTheSameAnswerAsAFreshOne() throws {
        // The matcher reuses its working memory from item to item: nothing of one item may reach the next.
        let topics = [
            TopicDefinition(id: "or", name: "Or", query: "Gaza OR \"White House\" OR ceasefire*"),
            TopicDefinition(id: "and", name: "And", query: "(US OR Washington) AND (Israel OR Netanyahu) -football"),
            TopicDefinition(id: "near", name: "Near", query: "US NEAR/3 Israel"),
            TopicDefinition(id: "not", name: "Not", query: "NOT Gaza"),
        ]
        let items = [
            MatchableItem(title: "US envoy meets Israel", summary: "Gaza ceasefires"),
            MatchableItem(title: "football", summary: "Washington and Netanyahu"),
            MatchableItem(title: "Tokyo"),
            MatchableItem(title: "White House: Gaza", summary: "White House again", content: "Gaza"),
            MatchableItem(title: "US envoy meets Israel", summary: "Gaza ceasefires"),
        ]
        let shared = try TopicMatcher(topics: topics)
        for _ in 0..<2 {
            for item in items {
                #expect(shared.match(item) == (try TopicMatcher(topics: topics)).match(item))
            }
        }
        #expect(
            shared.match(items[3]).first?.terms == [
                MatchedTerm(term: "White House", field: .title), MatchedTerm(term: "Gaza", field: .title),
                MatchedTerm(term: "White House", field: .summary), MatchedTerm(term: "Gaza", field: .content),
            ])
        var session = shared.makeSession()
        for item in items { #expect(shared.match(item, in: &session) == shared.match(item)) }
    }

    @Test func concurrentCallersShareOneMatcher() async throws {
        let matcher = try TopicMatcher(topics: [
            TopicDefinition(id: "a", name: "A", query: "Gaza OR Rafah"),
            TopicDefinition(id: "b", name: "B", query: "Gaza AND ceasefire"),
        ])
        let expected = matcher.match(MatchableItem(title: "Gaza ceasefire", summary: "Rafah"))
        #expect(expected.map(\.topicID) == ["a", "b"])
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    (0..<200).allSatisfy { n in
                        let other = matcher.match(MatchableItem(title: "Rafah \(n)"))
                        return matcher.match(MatchableItem(title: "Gaza ceasefire", summary: "Rafah")) == expected
                            && other.map(\.topicID) == ["a"]
                    }
                }
            }
            var all: [Bool] = []
            for await ok in group { all.append(ok) }
            return all
        }
        #expect(results == Array(repeating: true, count: 8))
    }

    @Test func requiredTermsNeverHideAMatch() throws {
        // Only the smallest required set makes a topic a candidate; the others are checked before evaluation.
        let query = "(Gaza OR Rafah OR \"Khan Younis\") AND (aid OR convoy) OR (Hamas NEAR/3 (talks OR truce))"
        #expect(try hit(query, "Aid convoy reaches Khan Younis"))
        #expect(try hit(query, "Hamas rejects truce"))
        #expect(try !hit(query, "Aid convoy reaches Kyiv"))
        #expect(try !hit(query, "Hamas statement on the weather and talks"))
        #expect(try matches(query, title: "Rafah", summary: "aid") != nil)
    }
}
