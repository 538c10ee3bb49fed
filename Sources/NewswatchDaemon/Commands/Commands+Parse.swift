import NewswatchCore
import NewswatchParse

extension Commands {
    /// `parse`: one feed (a file, `-` for stdin, or an http(s) URL) as read, readable or as JSON (CONTRACT §2);
    /// recovered problems are warnings.
    public static func parse(
        source: String, json: Bool, allowPrivateNetworks: Bool
    ) async throws(CommandError) -> CommandOutput {
        let displayName = source == "-" ? "<stdin>" : URLRedaction.redact(source)
        let feed: ParsedFeed
        do {
            let loaded = try await FeedSource.load(source, allowPrivateNetworks: allowPrivateNetworks)
            feed = try FeedSource.parse(loaded, source: displayName)
        } catch {
            throw CommandError(error)
        }
        let warnings = feed.warnings.map { "\(displayName): \($0)" }
        if json { return CommandOutput(feed.contractJSON.pretty + "\n", format: .json, warnings: warnings) }
        return CommandOutput(feed.readableSummary, warnings: warnings)
    }
}
