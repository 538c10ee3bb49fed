import Foundation
import NewswatchCore
import NewswatchParse

extension Commands {
    /// `parse --brief`: one line per source — format, item count and warnings, or the error — for checking a
    /// folder of feeds. The sources are parsed by a bounded pool (`BriefPool`: both cores), the lines handed to
    /// `write` in argument order, a few at a time; only lines are kept, never a parsed feed past its own line, so
    /// memory stays bounded however many sources there are. Returns `nil` when all parsed, else the failure whose
    /// exit status is that of the first source (in argument order) that failed (CONTRACT §1), with one summary line.
    public static func parseBrief(
        sources: [String], allowPrivateNetworks: Bool, workers: Int = BriefPool.defaultWorkers,
        write: @escaping (String) -> Void
    ) async -> CommandError? {
        var output = BriefOutput(write: write)
        var failed = 0
        var firstFailure: CommandError?
        await BriefPool.run(count: sources.count, workers: briefWorkers(sources, cores: workers)) { index in
            await briefLine(sources[index], allowPrivateNetworks: allowPrivateNetworks)
        } deliver: { line in
            output.append(line.text)
            guard let failure = line.failure else { return }
            failed += 1
            if firstFailure == nil { firstFailure = failure }
        } tick: {
            output.flushIfDue()
        }
        output.flush()
        guard let firstFailure else { return nil }
        let summary =
            "\(failed) of \(sources.count) source\(sources.count == 1 ? "" : "s") could not be parsed "
            + "(see the error lines above; the exit status is the first one's)"
        return CommandError(exitCode: firstFailure.exitCode, lines: [summary])
    }

    /// How many sources `parse --brief` works on at once, given `cores` workers:
    /// - one, when two sources are streams (`-`, a pipe, a device, `/dev/stdin`): a stream can be read once, and
    ///   which source gets its bytes must not depend on timing;
    /// - at most two with URL sources: the daemon's per-host limit (2 connections), which one-off fetches of a list
    ///   of URLs on one host keep too.
    static func briefWorkers(_ sources: [String], cores: Int) -> Int {
        var streams = 0
        var urls = false
        for source in sources {
            if FeedSource.isURL(source) {
                urls = true
            } else if source == "-" || isStream(source) {
                streams += 1
            }
        }
        if streams > 1 { return 1 }
        return urls ? min(cores, 2) : cores
    }

    /// Whether `path` names something that can be read only once (following links): a pipe, a device, a socket.
    /// A regular file, a directory or a missing path is not (the last two get an error line).
    private static func isStream(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        let type = info.st_mode & S_IFMT
        return type != S_IFREG && type != S_IFDIR
    }

    /// One source's line (with its newline) and, when it failed, its error.
    struct BriefLine: Sendable {
        var text: String
        var failure: CommandError?
    }

    /// Loads and parses one source and keeps only its line: the feed is gone when this returns.
    static func briefLine(_ source: String, allowPrivateNetworks: Bool) async -> BriefLine {
        let displayName = oneLine(source == "-" ? "<stdin>" : URLRedaction.redact(source))
        switch await briefResult(source, allowPrivateNetworks: allowPrivateNetworks) {
        case .success(let feed):
            return BriefLine(text: "\(displayName): \(briefSummary(feed))\n")
        case .failure(let error):
            return BriefLine(text: "\(displayName): error: \(oneLine(error.message))\n", failure: error)
        }
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
