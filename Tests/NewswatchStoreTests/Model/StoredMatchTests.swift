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
            text
                == "us-israel\u{1F}ts\u{1F}White House\u{1F}Netanyahu\u{1E}gaza\u{1F}s\u{1F}Gaza Strip\u{1E}feeds\u{1F}")
        #expect(StoredMatch.decode(text) == [matches[2], matches[1], matches[0]])
    }

    @Test(arguments: [
        #"say "cease fire""#, #"back\slash"#, "tab\tand\nnewline\r", "\u{01}\u{1F}", "\u{1D}\u{1E}\u{1F}]^_",
        "\u{1D}", "line\u{2028}sep\u{2029}", "غزة", "עזה", "U.S.–Israel", "emoji 🇺🇸 and é", "",
    ])
    func awkwardStringsSurviveTheRoundTrip(term: String) throws {
        let m = StoredMatch(
            topic: "t \(term)", terms: [term, "plain"], fields: [.category, .feed, .content, .title, .summary])
        let text = try #require(StoredMatch.encode([m, StoredMatch(topic: "z", terms: [term], fields: [.title])]))
        #expect(StoredMatch.decode(text) == [m, StoredMatch(topic: "z", terms: [term], fields: [.title])])
    }

    @Test func noMatchesIsNullAndUnreadableTextIsEmpty() {
        #expect(StoredMatch.encode([StoredMatch]()) == nil)
        #expect(StoredMatch.encode([TopicMatch]()) == nil)
        #expect(StoredMatch.decode(nil).isEmpty)
        let bad = [
            "", "gaza", "gaza\u{1F}x\u{1F}term", "\u{1F}t\u{1F}term", "gaza\u{1F}t\u{1F}dangling\u{1D}",
            "gaza\u{1F}t\u{1F}bad\u{1D}A", "gaza\u{1F}t\u{1F}ok\u{1E}",
        ]
        for text in bad {
            #expect(StoredMatch.decode(text).isEmpty, "\(text.debugDescription)")
        }
    }

    @Test func matcherResultsEncodeWithDistinctTermsAndFieldsInFirstOccurrenceOrder() throws {
        let match = TopicMatch(topicID: "us-israel", terms: [
            MatchedTerm(term: "Netanyahu", field: .summary), MatchedTerm(term: "White House", field: .title),
            MatchedTerm(term: "Netanyahu", field: .title), MatchedTerm(term: "say \"hi\"", field: .summary),
        ])
        let text = try #require(StoredMatch.encode([match]))
        #expect(text == "us-israel\u{1F}st\u{1F}Netanyahu\u{1F}White House\u{1F}say \"hi\"")
        let same = StoredMatch(
            topic: "us-israel", terms: ["Netanyahu", "White House", "say \"hi\""], fields: [.summary, .title])
        #expect(text == StoredMatch.encode([same]))
        #expect(StoredMatch.decode(text) == [same])
    }
}
