import Foundation
import NewswatchCore
import Testing

@testable import NewswatchMatch

@Suite struct MatchReportTests {
    private let items = [
        ParsedItem(
            id: "a1", title: "Strikes on the Gaza Strip", link: "https://example.org/a1",
            summary: "Hamas said 20 were killed."),
        ParsedItem(id: nil, title: "Tokyo stocks rise", link: nil),
        ParsedItem(id: "a1", title: "Strikes on the Gaza Strip", link: "https://example.org/a1"),
    ]

    private func matcher() throws -> TopicMatcher {
        try TopicMatcher(topics: [
            TopicDefinition(id: "gaza", name: "Gaza", query: "\"Gaza Strip\" OR Hamas"),
            TopicDefinition(id: "strikes", name: "Strikes", query: "strike*"),
        ])
    }

    @Test func oneJSONLinePerItemInDocumentOrder() throws {
        let reports = MatchReport.evaluate(items, feed: "Wire", matcher: try matcher())
        #expect(reports.count == 3)
        #expect(
            reports[0].jsonLine
                == #"{"feed":"Wire","id":"a1","title":"Strikes on the Gaza Strip","link":"https://example.org/a1","topics":[{"id":"gaza","terms":["Gaza Strip","Hamas"]},{"id":"strikes","terms":["strike*"]}]}"#
        )
        #expect(
            reports[1].jsonLine == #"{"feed":"Wire","id":null,"title":"Tokyo stocks rise","link":null,"topics":[]}"#)
        // The same item twice is reported twice.
        #expect(reports[2].matches.map(\.topicID) == ["gaza", "strikes"])
        for report in reports {
            let object = try JSONSerialization.jsonObject(with: Data(report.jsonLine.utf8)) as? [String: Any]
            #expect(object?.keys.sorted() == ["feed", "id", "link", "title", "topics"])
        }
    }

    @Test func topicFilterKeepsOnlyThatTopic() throws {
        let reports = MatchReport.evaluate(items, feed: "Wire", matcher: try matcher(), topic: "strikes")
        #expect(reports.map { $0.matches.map(\.topicID) } == [["strikes"], [], ["strikes"]])
    }

    @Test func feedTagsReachTheFeedsRestriction() throws {
        let matcher = try TopicMatcher(topics: [
            TopicDefinition(id: "gaza", name: "Gaza", query: "Gaza", feeds: ["tag:mideast"])
        ])
        #expect(MatchReport.evaluate(items, feed: "Wire", matcher: matcher)[0].matches.isEmpty)
        #expect(
            MatchReport.evaluate(items, feed: "Wire", feedTags: ["mideast"], matcher: matcher)[0].matches.count == 1)
    }

    @Test func textNamesTermsAndFields() throws {
        let reports = MatchReport.evaluate(items, feed: "Wire", matcher: try matcher())
        #expect(
            reports[0].text == """
                Strikes on the Gaza Strip
                  https://example.org/a1
                  gaza: Gaza Strip (title), Hamas (summary)
                  strikes: strike* (title)
                """)
        #expect(reports[1].text == "Tokyo stocks rise\n  no topics")
    }
}
