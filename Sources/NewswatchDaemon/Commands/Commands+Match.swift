import Foundation
import NewswatchConfig
import NewswatchMatch

extension Commands {
    /// What `match` works on.
    public enum MatchInput: Sendable {
        /// One query tried on one text (and title).
        case query(String, title: String?, text: String?)
        /// The stored items first seen within this `--since` duration (nil: 7 days), backtested.
        case stored(since: String?)
        /// Feed files or URLs, matched in order.
        case sources([String])
    }

    /// `match`: which topics items match and why (CONTRACT §3); one result per source, in order (one for a query
    /// or a backtest). A failed source does not stop the others.
    public static func match(
        configPath: String?, input: MatchInput, topic: String?, json: Bool
    ) async -> [Result<CommandOutput, CommandError>] {
        switch input {
        case .query(let query, let title, let text):
            return [
                Result { () throws(CommandError) in
                    CommandOutput(try QueryTrial(query, title: title, text: text).output)
                }
            ]
        case .stored(let since):
            do throws(CommandError) {
                let (config, selection) = try topics(configPath, topic: topic)
                return [.success(try await backtest(config, selection, since: since, json: json))]
            } catch {
                return [.failure(error)]
            }
        case .sources(let sources):
            let config: NewswatchConfig
            let selection: TopicSelection
            do {
                (config, selection) = try topics(configPath, topic: topic)
            } catch {
                return [.failure(error)]
            }
            var results: [Result<CommandOutput, CommandError>] = []
            for source in sources {
                do {
                    let matched = try await FeedSource.match(
                        source, config: config, matcher: selection.matcher, topic: topic)
                    let lines = matched.reports.map { (json ? $0.jsonLine : $0.text) + "\n" }.joined()
                    results.append(.success(CommandOutput(lines, format: json ? .json : .text)))
                } catch {
                    results.append(.failure(CommandError(error)))
                }
            }
            return results
        }
    }

    /// The config at `configPath` and its topics (or only `topic`).
    private static func topics(
        _ configPath: String?, topic: String?
    ) throws(CommandError) -> (NewswatchConfig, TopicSelection) {
        let loaded = try CommandConfig.load(configPath)
        do {
            return (loaded.config, try TopicSelection(loaded.config, topic: topic))
        } catch {
            throw CommandError(error)
        }
    }

    /// `match --stored`: the configured topics backtested on the items first seen within `since` (default 7d).
    private static func backtest(
        _ config: NewswatchConfig, _ selection: TopicSelection, since: String?, json: Bool
    ) async throws(CommandError) -> CommandOutput {
        let window = try CommandDuration.parse(since ?? "7d", option: "--since")
        let backtest: StoredBacktest
        do {
            let opened = try await TuningStore.open(config, readOnly: true)
            defer { Task { await opened.close() } }
            backtest = try await StoredBacktest.run(
                config: config, store: opened.store, selection: selection, since: Date() - window)
        } catch {
            throw CommandError(error)
        }
        return json ? CommandOutput(backtest.jsonLines, format: .json) : CommandOutput(backtest.text)
    }
}
