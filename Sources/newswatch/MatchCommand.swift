import ArgumentParser
import Foundation
import NewswatchParse
import NewswatchDaemon
import NewswatchCore
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

    @Argument(help: "Feed files or http(s) URLs.")
    var sources: [String] = []

    func validate() throws {
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
        let matcher: TopicMatcher
        do {
            matcher = try TopicMatcher(topics: loaded.config.topics)
        } catch {
            throw Console.fail(Exit.config, error.description)
        }
        if let topic, !loaded.config.topics.contains(where: { $0.id == topic }) {
            let known = loaded.config.topics.map(\.id).joined(separator: ", ")
            throw Console.fail(Exit.usage, "no topic '\(topic)' in \(loaded.config.origin); configured: \(known)")
        }
        var firstFailure: Int32?
        for source in sources {
            do {
                let reports = try await reports(for: source, config: loaded.config, matcher: matcher)
                let output = Self.reportOutput(reports, json: json)
                if json { Console.json(output) } else { Console.output(output) }
            } catch let failure as ParseCommand.LoadFailure {
                Console.error(failure.message)
                firstFailure = firstFailure ?? failure.code
            }
        }
        if let firstFailure { throw ExitCode(firstFailure) }
    }

    /// Reads and parses one source and evaluates every item. A configured feed (same URL or file) is reported
    /// under its configured name and tags, so `feed:` and `feeds = [...]` behave as in the daemon.
    private func reports(for source: String, config: NewswatchConfig, matcher: TopicMatcher) async throws
        -> [MatchReport]
    {
        let data = try await ParseCommand.load(source, allowPrivateNetworks: config.daemon.allowPrivateNetworks)
        let feed: ParsedFeed
        do {
            feed = try FeedParser.parse(data.data, baseURL: data.baseURL, httpCharset: data.httpCharset)
        } catch {
            throw ParseCommand.LoadFailure(code: Exit.dataError, message: "\(source): \(error)")
        }
        let configured = config.feeds.first { f in
            switch f.source {
            case .url(let u): return u.absoluteString == source
            case .file(let file): return file.standardizedFileURL.path == URL(fileURLWithPath: source).standardizedFileURL.path
            }
        }
        let name = configured?.name ?? feed.title ?? source
        return MatchReport.evaluate(
            feed.items, feed: name, feedTags: configured?.tags ?? [], matcher: matcher, topic: topic)
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
