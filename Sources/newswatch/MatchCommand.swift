import ArgumentParser
import NewswatchDaemon

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

    @OptionGroup var configOption: ConfigOption

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
            guard sources.isEmpty, topic == nil, configOption.config == nil else {
                throw ValidationError("--query/--text cannot be combined with SOURCE, --topic or --config")
            }
        } else if sources.isEmpty {
            throw ValidationError("give one or more SOURCEs, or --query with --text")
        }
    }

    func run() async throws {
        let input: Commands.MatchInput =
            if let query { .query(query, title: title, text: text) } else if stored { .stored(since: since) } else {
                .sources(sources)
            }
        var firstFailure: Int32?
        for result in await Commands.match(configPath: configOption.config, input: input, topic: topic, json: json) {
            switch result {
            case .success(let output): Console.print(output)
            case .failure(let error): firstFailure = firstFailure ?? Console.fail(error).rawValue
            }
        }
        if let firstFailure { throw ExitCode(firstFailure) }
    }
}

extension MatchCommand {
    /// The options that take a value; `--help` lists each as `--name <value>` (`MatchSourceTests` checks the two
    /// agree).
    static let valueOptions: Set<String> = ["--config", "--topic", "--query", "--text", "--title", "--since"]

    /// `match` with many sources (a folder's worth), or `nil` for every other command line
    /// (`ManySourcesCommandLine`).
    static func parsingManySources(_ arguments: [String]) throws -> MatchCommand? {
        guard let line = ManySourcesCommandLine(arguments, command: "match", valueOptions: valueOptions),
            var command = try line.parsed(as: MatchCommand.self)
        else { return nil }
        command.sources = line.sources
        try command.validate()
        return command
    }
}
