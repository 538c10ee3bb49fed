import Foundation
import NewswatchTestSupport
import Testing

/// The per-feed objects of `newswatch status --config <config> --json`, as a user's script reads them.
func statusFeeds(_ config: URL, sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
    let status = try NewswatchBinary.run(["status", "--config", config.path, "--json"], timeout: 60)
    #expect(status.status == 0, "\(status.stderr)", sourceLocation: sourceLocation)
    let json = try #require(
        try JSONSerialization.jsonObject(with: status.stdoutData) as? [String: Any], sourceLocation: sourceLocation)
    return try #require(json["feeds"] as? [[String: Any]], sourceLocation: sourceLocation)
}
