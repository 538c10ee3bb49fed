import Foundation
import NewswatchConfig
import NewswatchCore
import NewswatchMatch
import NewswatchStore

/// A desk's verdicts on alerts (`newswatch feedback`) and the topics scored on them (`eval --feedback`, CONTRACT
/// §8): the judged alerts become the desk's own test set.
public enum DeskFeedback {
    /// Records `verdict` in the state database of `config`, replacing an earlier verdict on the same alert; an
    /// unknown alert id is a `noInput` error.
    public static func record(_ verdict: Verdict, config: NewswatchConfig) async throws(TuningError) {
        let opened = try await TuningStore.open(config, readOnly: false)
        defer { Task { await opened.close() } }
        try await TuningStore.reading { try await opened.store.recordVerdict(verdict) }
    }

    /// Scores the topics of `selection` on the items of the alerts judged since `since`: a relevant verdict makes
    /// the item a positive of the alert's topic, an irrelevant one a negative. An item that retention removed is
    /// matched on what its alert kept (title and summary).
    public static func evaluate(
        config: NewswatchConfig, store: any Store, selection: TopicSelection, since: Date, misses: Bool
    ) async throws(TuningError) -> Evaluation {
        let judged = try await TuningStore.reading { try await store.judgedAlerts(detectedFrom: since) }
        let tags = StoredItem.feedTags(config)
        let occurrences = misses ? TermOccurrences(topics: config.topics) : nil
        let cases = judged.map { alert in
            let item =
                alert.item?.matchable(tags: tags)
                ?? MatchableItem(title: alert.alertTitle, summary: alert.alertSummary, feedName: alert.feed)
            return EvaluationCase(
                file: "alert:\(alert.verdict.alertID)", index: nil, title: alert.alertTitle,
                labels: [alert.topic: alert.verdict.relevant], matched: selection.matched(item),
                terms: occurrences?.terms(in: item) ?? [:])
        }
        return Evaluation.score(cases, topics: selection.ids, listMisses: misses)
    }
}
