import Foundation
import NewswatchMatch

extension Commands {
    /// What `eval` scores: a labels file, or the desk's verdicts (`--feedback`) within `since`.
    public enum EvalInput: Sendable {
        /// The labels file at this path (JSON lines).
        case labels(String)
        /// The alerts judged with `newswatch feedback`, detected within this `--since` duration (nil: all).
        case feedback(since: String?)
    }

    /// `eval`: the configured topics (or `topic`) scored against `input` (CONTRACT §8).
    public static func eval(
        configPath: String?, input: EvalInput, topic: String?, misses: Bool, json: Bool
    ) async throws(CommandError) -> CommandOutput {
        let loaded = try CommandConfig.load(configPath)
        var since: Date = .distantPast
        if case .feedback(let text?) = input { since = Date() - (try CommandDuration.parse(text, option: "--since")) }
        let evaluation: Evaluation
        do {
            let selection = try TopicSelection(loaded.config, topic: topic)
            switch input {
            case .labels(let path):
                evaluation = try await LabelEvaluation.run(
                    labelsPath: path, config: loaded.config, selection: selection, misses: misses)
            case .feedback:
                let opened = try await TuningStore.open(loaded.config, readOnly: true)
                defer { Task { await opened.close() } }
                evaluation = try await DeskFeedback.evaluate(
                    config: loaded.config, store: opened.store, selection: selection, since: since, misses: misses)
            }
        } catch {
            throw CommandError(error)
        }
        if json { return CommandOutput(evaluation.json.compact + "\n", format: .json) }
        return CommandOutput(evaluation.text)
    }
}
