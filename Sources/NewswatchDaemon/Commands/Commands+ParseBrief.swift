import NewswatchCore
import NewswatchParse

extension Commands {
    /// What `parse --brief` prints and, when a source failed, how the command fails after printing it.
    public struct BriefParse: Sendable {
        /// One line per source, in the order given.
        public var output: CommandOutput
        /// The first failing source's error (its exit status), summarised in one stderr line; `nil` when all parsed.
        public var failure: CommandError?
    }

    /// `parse --brief`: one line per source — format, item count and warnings, or the error — for checking a
    /// folder of feeds. The exit status is that of the first source that failed (CONTRACT §1), else 0.
    public static func parseBrief(sources: [String], allowPrivateNetworks: Bool) async -> BriefParse {
        var lines = ""
        var failed = 0
        var firstFailure: CommandError?
        for source in sources {
            let displayName = oneLine(source == "-" ? "<stdin>" : URLRedaction.redact(source))
            switch await briefResult(source, allowPrivateNetworks: allowPrivateNetworks) {
            case .success(let feed):
                lines += "\(displayName): \(briefSummary(feed))\n"
            case .failure(let error):
                lines += "\(displayName): error: \(oneLine(error.message))\n"
                failed += 1
                if firstFailure == nil { firstFailure = error }
            }
        }
        guard let firstFailure else { return BriefParse(output: CommandOutput(lines), failure: nil) }
        let summary =
            "\(failed) of \(sources.count) source\(sources.count == 1 ? "" : "s") could not be parsed "
            + "(see the error lines above; the exit status is the first one's)"
        return BriefParse(
            output: CommandOutput(lines), failure: CommandError(exitCode: firstFailure.exitCode, lines: [summary]))
    }

    /// A source's feed, or its error without the source name (the line already starts with it).
    private static func briefResult(_ source: String, allowPrivateNetworks: Bool) async -> Result<
        ParsedFeed, CommandError
    > {
        let loaded: FeedSource.Loaded
        do {
            loaded = try await FeedSource.load(source, allowPrivateNetworks: allowPrivateNetworks)
        } catch {
            var failure = CommandError(error)
            let prefix = (source == "-" ? "<stdin>" : source) + ": "
            if failure.message.hasPrefix(prefix) { failure.lines = [String(failure.message.dropFirst(prefix.count))] }
            return .failure(failure)
        }
        do {
            return .success(
                try FeedParser.parse(loaded.data, baseURL: loaded.baseURL, httpCharset: loaded.httpCharset))
        } catch {
            return .failure(CommandError(.dataError, error.description))
        }
    }

    /// `rss2.0, 12 items` and, when there are any, `, 2 warnings: first; second`.
    static func briefSummary(_ feed: ParsedFeed) -> String {
        let n = feed.items.count
        var line = "\(feed.format.rawValue), \(n) item\(n == 1 ? "" : "s")"
        if !feed.warnings.isEmpty {
            let w = feed.warnings.count
            line += ", \(w) warning\(w == 1 ? "" : "s"): " + oneLine(feed.warnings.joined(separator: "; "))
        }
        return line
    }

    /// Feed text on one line: line breaks and tabs become spaces (the terminal escaping is the CLI's `TerminalText`).
    private static func oneLine(_ text: String) -> String {
        guard text.contains(where: { $0.isNewline || $0 == "\t" }) else { return text }
        return String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
    }
}

extension CommandError {
    /// The first line, which is the whole message for a single-problem failure.
    fileprivate var message: String { lines.first ?? "" }
}
