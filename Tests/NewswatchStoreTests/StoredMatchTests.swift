import NewswatchCore
import Testing

@testable import NewswatchStore

@Suite struct StoredMatchTests {
    @Test func encodeThenDecodeGivesTheMatchesBackSortedByTopic() throws {
        let matches = [
            StoredMatch(topic: "us-israel", terms: ["White House", "Netanyahu"], fields: [.title, .summary]),
            StoredMatch(topic: "gaza", terms: ["Gaza Strip"], fields: [.summary]),
            StoredMatch(topic: "feeds", terms: [], fields: []),
        ]
        let text = try #require(StoredMatch.encode(matches))
        #expect(
            text == #"[["us-israel",["White House","Netanyahu"],["title","summary"]],["gaza",["Gaza Strip"],["summary"]],["feeds",[],[]]]"#)
        #expect(StoredMatch.decode(text) == [matches[2], matches[1], matches[0]])
    }

    @Test(arguments: [
        #"say "cease fire""#, #"back\slash"#, "tab\tand\nnewline\r", "\u{01}\u{1F}", "line\u{2028}sep\u{2029}",
        "غزة", "עזה", "U.S.–Israel", "emoji 🇺🇸 and é", "", "\\u0041 is not an escape here",
    ])
    func awkwardStringsSurviveTheRoundTrip(term: String) throws {
        let m = StoredMatch(topic: "t \(term)", terms: [term, "plain"], fields: [.category])
        let text = try #require(StoredMatch.encode([m]))
        #expect(StoredMatch.decode(text) == [m])
    }

    @Test func noMatchesIsNullAndUnreadableTextIsEmpty() {
        #expect(StoredMatch.encode([StoredMatch]()) == nil)
        #expect(StoredMatch.encode([TopicMatch]()) == nil)
        #expect(StoredMatch.decode(nil).isEmpty)
        for bad in ["", "[", "[[\"a\",[],[]]", "{\"a\":1}", "[[\"a\",[\"b\"]]]", "[[\"a\",[],[]]] x", "[\"\\uD800\"]"] {
            #expect(StoredMatch.decode(bad).isEmpty, "\(bad)")
        }
    }

    @Test func matcherResultsEncodeWithDistinctTermsAndFieldsInFirstOccurrenceOrder() throws {
        let match = TopicMatch(topicID: "us-israel", terms: [
            MatchedTerm(term: "Netanyahu", field: .summary), MatchedTerm(term: "White House", field: .title),
            MatchedTerm(term: "Netanyahu", field: .title), MatchedTerm(term: "say \"hi\"", field: .summary),
        ])
        let text = try #require(StoredMatch.encode([match]))
        #expect(text == #"[["us-israel",["Netanyahu","White House","say \"hi\""],["summary","title"]]]"#)
        #expect(
            text
                == StoredMatch.encode([
                    StoredMatch(
                        topic: "us-israel", terms: ["Netanyahu", "White House", "say \"hi\""], fields: [.summary, .title])
                ]))
    }

    @Test func unknownFieldNamesAreDropped() {
        #expect(
            StoredMatch.decode(#"[["t",["x"],["title","nonsense"]]]"#)
                == [StoredMatch(topic: "t", terms: ["x"], fields: [.title])])
    }
}
