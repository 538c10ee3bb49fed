import ArgumentParser
import Foundation
import NewswatchCore
import NewswatchDaemon
import NewswatchMatch

/// `newswatch match`: which topics items match, and why (CONTRACT §1, §3).
struct MatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Show which topics the items of feeds match, and why; or try one query on one text.",
        discussion: """
            With SOURCE (feed files or URLs): runs the configured topics over every item and prints each item \
            with the topics it matches and the terms that matched (--json: one JSON object per line).
            With --query and --text: evaluates one query on one text (matched as an item's summary; give \
            --title to try title: parts too), prints "match" or "no match" and the matched terms, and exits 0 \
            either way. A query that does not parse exits 64 and names the column.
            With --stored: backtests the config's current topics on the items of the state database first seen \
            within --since (default 7d), against the topics each matched when first seen: kept, new and lost \
            counts per topic, then the new and lost titles (--json: one line per item that matches now or \
            matched then). Read-only; runs beside the daemon. Exit 66 when there is no state database yet.
            """)

    @Option(help: "The config file (default: $NEWSWATCH_CONFIG, else /etc/newswatch/newswatch.toml).")
    var config: String?

    @Option(help: "Report only this topic.")
    var topic: String?

    @Option(help: "One query to try (with --text).")
    var query: String?

    @Option(help: "The text to try the query on, as an item's summary.")
    var text: String?

    @Option(help: "A headline to try the query on with --text, as the item's title.")
    var title: String?

    @Flag(help: "Print one JSON object per item and line.")
    var json = false

    @Flag(help: "Backtest the configured topics on the items already in the state database.")
    var stored = false

    @Option(help: "With --stored: how far back items were first seen (a duration such as 7d or 36h; default 7d).")
    var since: String?

    @Argument(help: "Feed files or http(s) URLs.")
    var sources: [String] = []

    func validate() throws {
        if stored {
            guard sources.isEmpty, query == nil, text == nil, title == nil else {
                throw ValidationError("--stored cannot be combined with SOURCE, --query, --text or --title")
            }
            return
        }
        guard since == nil else { throw ValidationError("--since goes with --stored") }
        if query != nil || text != nil {
            guard query != nil, text != nil || title != nil else {
                throw ValidationError("--query and --text go together")
            }
            guard sources.isEmpty, topic == nil, config == nil else {
                throw ValidationError("--query/--text cannot be combined with SOURCE, --topic or --config")
            }
        } else if sources.isEmpty {
            throw ValidationError("give one or more SOURCEs, or --query with --text")
        }
    }

    func run() async throws {
        if let query {
            let result = try Self.tryQuery(query, title: title, text: text)
            Console.output(result.output)
            return
        }
        let loaded = try ConfigOption.load(explicitPath: config)
        let selection: TopicSelection
        do {
            selection = try TopicSelection(loaded.config, topic: topic)
        } catch {
            throw Console.fail(error.exitCode, error.message)
        }
        if stored {
            let window = try CommandDuration.parse(since ?? "7d", option: "--since")
            let backtest: StoredBacktest
            do {
                let store = try TuningStore.open(loaded.config, readOnly: true)
                backtest = try StoredBacktest.run(
                    config: loaded.config, store: store, selection: selection, since: Date() - window)
            } catch {
                throw Console.fail(error.exitCode, error.message)
            }
            if json { Console.json(backtest.jsonLines) } else { Console.output(backtest.text) }
            return
        }
        var firstFailure: Int32?
        for source in sources {
            do {
                let matched = try await FeedSource.match(
                    source, config: loaded.config, matcher: selection.matcher, topic: topic)
                let output = Self.reportOutput(matched.reports, json: json)
                if json { Console.json(output) } else { Console.output(output) }
            } catch {
                Console.error(error.message)
                firstFailure = firstFailure ?? error.exitCode
            }
        }
        if let firstFailure { throw ExitCode(firstFailure) }
    }

    /// The outcome of `--query Q --text T`: what to print on stdout.
    struct QueryResult {
        var matched: Bool
        var output: String
    }

    /// Evaluates `query` on one text; a query that does not parse ends the command with exit 64.
    static func tryQuery(_ query: String, title: String?, text: String?) throws -> QueryResult {
        do {
            _ = try QueryParser.parse(query)
        } catch {
            throw Console.fail(Exit.usage, "\(error.description); fix the query and try again")
        }
        let matcher: TopicMatcher
        do {
            matcher = try TopicMatcher(topics: [TopicDefinition(id: "query", name: "query", query: query)])
        } catch {
            throw Console.fail(Exit.usage, error.description)
        }
        guard let match = matcher.match(MatchableItem(title: title, summary: text)).first else {
            return QueryResult(matched: false, output: "no match\n")
        }
        let terms = match.terms.map { "\($0.term) (\($0.field.rawValue))" }.joined(separator: ", ")
        return QueryResult(matched: true, output: "match\nterms: \(terms)\n")
    }

    /// What `match SOURCE...` prints for the reports of all sources, in order.
    static func reportOutput(_ reports: [MatchReport], json: Bool) -> String {
        if json { return reports.map { $0.jsonLine + "\n" }.joined() }
        return reports.map { $0.text + "\n" }.joined()
    }
}
