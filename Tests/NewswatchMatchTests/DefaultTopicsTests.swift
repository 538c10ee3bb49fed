import Foundation
import NewswatchCore
import Testing

@testable import NewswatchMatch

@Suite struct DefaultTopicsTests {
    private struct Labelled {
        var title: String
        var summary: String
        var gaza: Bool
        var usIsrael: Bool
        var why: String
    }

    private func editorialSet() throws -> [Labelled] {
        try DefaultTopics.fixture("editorial-set.jsonl").split(separator: "\n").map { line in
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            return Labelled(
                title: o["title"] as? String ?? "", summary: o["summary"] as? String ?? "",
                gaza: o["gaza"] as? Bool ?? false, usIsrael: o["us_israel"] as? Bool ?? false,
                why: o["why"] as? String ?? "")
        }
    }

    @Test func shipsTheTwoTopicsAndTheyCompile() throws {
        let topics = try DefaultTopics.load()
        #expect(topics.map(\.id) == ["gaza", "us-israel"])
        #expect(topics.allSatisfy { $0.priority == .high && $0.alert })
        _ = try TopicMatcher(topics: topics)
    }

    @Test func seedArticleMatchesBoth() throws {
        let matcher = try DefaultTopics.matcher()
        let article = try DefaultTopics.fixture("seed-article.txt")
        let firstParagraph = String(article.split(separator: "\n")[0])
        for text in [article, firstParagraph] {
            for item in [
                MatchableItem(title: nil, summary: text), MatchableItem(title: nil, content: text),
            ] {
                #expect(matcher.match(item).map(\.topicID) == ["gaza", "us-israel"], "\(text.prefix(60))")
            }
        }
    }

    @Test func editorialSetIsAllRight() throws {
        let matcher = try DefaultTopics.matcher()
        let set = try editorialSet()
        #expect(set.count >= 60)
        var wrong: [String] = []
        var counts: [String: (tp: Int, fp: Int, fn: Int)] = ["gaza": (0, 0, 0), "us-israel": (0, 0, 0)]
        for item in set {
            let matched = Set(matcher.match(MatchableItem(title: item.title, summary: item.summary)).map(\.topicID))
            for (topic, label) in [("gaza", item.gaza), ("us-israel", item.usIsrael)] {
                let got = matched.contains(topic)
                switch (got, label) {
                case (true, true): counts[topic]!.tp += 1
                case (true, false): counts[topic]!.fp += 1
                case (false, true): counts[topic]!.fn += 1
                case (false, false): break
                }
                if got != label {
                    wrong.append("\(topic) \(got ? "false positive" : "missed"): \(item.title) [\(item.why)]")
                }
            }
        }
        for (topic, c) in counts.sorted(by: { $0.key < $1.key }) {
            let precision = c.tp + c.fp == 0 ? 1 : Double(c.tp) / Double(c.tp + c.fp)
            let recall = c.tp + c.fn == 0 ? 1 : Double(c.tp) / Double(c.tp + c.fn)
            print(
                "editorial set, \(topic): precision \(precision) recall \(recall) (\(c.tp) tp, \(c.fp) fp, \(c.fn) fn, \(set.count) items)"
            )
        }
        for line in wrong { print("  wrong: \(line)") }
        #expect(wrong.isEmpty, "\(wrong.joined(separator: "\n"))")
    }

    @Test func explainsTheSeedArticle() throws {
        let matcher = try DefaultTopics.matcher()
        let article = try DefaultTopics.fixture("seed-article.txt")
        let result = matcher.match(MatchableItem(title: nil, summary: String(article.split(separator: "\n")[0])))
        let gaza = result.first { $0.topicID == "gaza" }
        #expect(gaza?.termTexts.contains("Gaza Strip") == true)
        #expect(gaza?.terms.allSatisfy { $0.field == .summary } == true)
    }
}
