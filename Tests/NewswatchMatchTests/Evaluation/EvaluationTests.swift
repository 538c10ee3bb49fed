import Foundation
import NewswatchCore
import Testing

@testable import NewswatchMatch

/// The pure scoring of `eval` (CONTRACT §8): counts, figures and misses from labelled cases.
@Suite struct EvaluationTests {
    private func item(_ n: Int, _ labels: [String: Bool], matched: Set<String>, borderline: Bool = false)
        -> EvaluationCase
    {
        EvaluationCase(
            file: "feeds/x.xml", index: n, title: "item \(n)", borderline: borderline, labels: labels,
            matched: matched, terms: ["gaza": ["Gaza"]])
    }

    private func counts(_ t: TopicScore) -> [Int] {
        [t.positives, t.truePositives, t.falsePositives, t.falseNegatives]
    }

    @Test func countsFiguresByHand() {
        let cases = [
            item(0, ["gaza": true, "us": false], matched: ["gaza"]),  // gaza tp, us tn
            item(1, ["gaza": true, "us": true], matched: ["us"]),  // gaza fn, us tp
            item(2, ["gaza": false, "us": false], matched: ["gaza", "us"]),  // gaza fp, us fp
            item(3, ["gaza": true], matched: ["gaza", "us"]),  // gaza tp; us not labelled: not scored
            item(4, ["gaza": true, "us": true], matched: [], borderline: true),  // not scored at all
            item(5, ["other": true], matched: ["gaza"]),  // no scored topic: not counted as scored
        ]
        let e = Evaluation.score(cases, topics: ["gaza", "us"], listMisses: false)
        #expect(e.items == 6)
        #expect(e.scored == 4)
        #expect(e.misses.isEmpty)
        let gaza = e.topics[0]
        #expect(gaza.id == "gaza")
        #expect(counts(gaza) == [3, 2, 1, 1])
        #expect(abs(gaza.precision - 2.0 / 3.0) < 1e-12)
        #expect(abs(gaza.recall - 2.0 / 3.0) < 1e-12)
        #expect(abs(gaza.f1 - 2.0 / 3.0) < 1e-12)
        let us = e.topics[1]
        #expect(counts(us) == [1, 1, 1, 0])
        #expect(us.precision == 0.5)
        #expect(us.recall == 1)
        #expect(abs(us.f1 - 2.0 / 3.0) < 1e-12)
    }

    @Test func noMatchGivesPrecisionZeroAndNoPositiveGivesRecallZero() {
        let e = Evaluation.score(
            [item(0, ["gaza": true], matched: []), item(1, ["us": false], matched: ["us"])], topics: ["gaza", "us"],
            listMisses: false)
        #expect(e.topics[0].precision == 0)
        #expect(e.topics[0].recall == 0)
        #expect(e.topics[0].f1 == 0)
        #expect(e.topics[1].positives == 0)
        #expect(e.topics[1].recall == 0)
        #expect(e.topics[1].precision == 0)
        let empty = Evaluation.score([], topics: ["gaza"], listMisses: true)
        #expect(empty.topics == [TopicScore(id: "gaza")])
        #expect(empty.scored == 0)
    }

    @Test func missesListEveryFalseNegativeAndFalsePositiveInItemOrder() {
        let cases = [
            item(0, ["gaza": false], matched: ["gaza"]),
            item(1, ["gaza": true], matched: []),
            item(2, ["gaza": true], matched: [], borderline: true),
            item(3, ["gaza": true], matched: ["gaza"]),
        ]
        let e = Evaluation.score(cases, topics: ["gaza"], listMisses: true)
        #expect(
            e.misses == [
                EvaluationMiss(
                    topic: "gaza", kind: .falsePositive, file: "feeds/x.xml", index: 0, title: "item 0",
                    terms: ["Gaza"]),
                EvaluationMiss(
                    topic: "gaza", kind: .falseNegative, file: "feeds/x.xml", index: 1, title: "item 1",
                    terms: ["Gaza"]),
            ])
        #expect(e.text.contains("gaza: missed (fn), 1\n  feeds/x.xml#1  item 1\n    terms: Gaza\n"))
    }

    @Test func jsonHasTheContractShape() throws {
        let e = Evaluation.score(
            [item(0, ["gaza": true], matched: []), item(1, ["gaza": true], matched: ["gaza"])], topics: ["gaza"],
            listMisses: true)
        #expect(
            e.json.compact
                == #"{"items":2,"scored":2,"topics":[{"id":"gaza","positives":2,"tp":1,"fp":0,"fn":1,"precision":1,"recall":0.5,"f1":0.6667}],"misses":[{"topic":"gaza","kind":"fn","file":"feeds/x.xml","index":0,"title":"item 0","terms":["Gaza"]}]}"#
        )
    }

    @Test func textTableAndHostileTitles() {
        var c = item(0, ["gaza": false], matched: ["gaza"])
        c.title = "Evil\u{1B}[31m title\nsecond line"
        let text = Evaluation.score([c], topics: ["gaza"], listMisses: true).text
        #expect(text.hasPrefix("items 1, scored 1\nTOPIC  POSITIVES  TP  FP  FN  PRECISION  RECALL  F1\n"))
        #expect(text.contains("gaza   0          0   1   0   0.000      0.000   0.000\n"))
        #expect(!text.contains("\u{1B}"))
        #expect(text.contains("Evil [31m title second line"))
    }

    @Test func termOccurrencesNameQueryTermsEvenWhenTheQueryFails() throws {
        let topics = [
            TopicDefinition(
                id: "us-israel", name: "US and Israel", query: "(US OR Washington) AND title:Israel*",
                exclude: "sport*"),
            TopicDefinition(id: "gaza", name: "Gaza", query: "\"Gaza Strip\" NEAR/3 strike"),
        ]
        let probe = TermOccurrences(topics: topics)
        let item = MatchableItem(
            title: "Washington weighs aid", summary: "Israeli officials and sports ministers met in the Gaza Strip.")
        // The whole queries do not match (Israel* is only in the summary; no "strike"), but the terms occur.
        #expect(try TopicMatcher(topics: topics).match(item).isEmpty)
        #expect(probe.terms(in: item) == ["us-israel": ["Washington", "-sport*"], "gaza": ["\"Gaza Strip\""]])
        let titled = MatchableItem(title: "Israeli cabinet meets", summary: "US envoy arrives")
        #expect(probe.terms(in: titled) == ["us-israel": ["US", "title:Israel*"]])
    }
}
