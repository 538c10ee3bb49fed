import Foundation
import NewswatchConfig
import NewswatchCore
import NewswatchMatch

/// `newswatch eval LABELS`: the configured topics scored against a labels file (CONTRACT §8). Each labelled feed
/// is read, parsed and matched by `FeedSource.match`, the path `match SOURCE` takes and the daemon's own: what
/// `eval` scores is what alerts.
public enum LabelEvaluation {
    /// Scores the topics of `selection` on the items of `labelsPath`; with `misses`, lists every fn and fp with the
    /// query terms that occurred in it.
    public static func run(
        labelsPath: String, config: NewswatchConfig, selection: TopicSelection, misses: Bool
    ) async throws(TuningError) -> Evaluation {
        let file = try LabelFile.read(labelsPath)
        let occurrences = misses ? TermOccurrences(topics: config.topics) : nil
        var feeds: [String: FeedSource.Matched] = [:]
        var cases: [EvaluationCase] = []
        for label in file.labels {
            let place = "\(labelsPath):\(label.line)"
            let path = file.folder.appendingPathComponent(label.file).standardizedFileURL.path
            let feed: FeedSource.Matched
            if let known = feeds[path] {
                feed = known
            } else {
                do {
                    feed = try await FeedSource.match(path, config: config, matcher: selection.matcher)
                } catch {
                    guard error.kind != .noInput else {
                        throw TuningError(
                            .noInput, "\(place): feed file \(label.file) is missing or unreadable (\(path))")
                    }
                    throw TuningError(error.kind, "\(place): \(error.message)")
                }
                feeds[path] = feed
            }
            guard label.index < feed.reports.count else {
                throw TuningError(
                    .dataError,
                    "\(place): \"index\" \(label.index) is past the end of \(label.file) "
                        + "(\(feed.reports.count) items)")
            }
            let report = feed.reports[label.index]
            cases.append(
                EvaluationCase(
                    file: label.file, index: label.index, title: report.item.title, borderline: label.borderline,
                    labels: label.topics, matched: Set(report.matches.map(\.topicID)),
                    terms: occurrences?.terms(in: feed.matchable(report.item)) ?? [:]))
        }
        return Evaluation.score(cases, topics: selection.ids, listMisses: misses)
    }
}
