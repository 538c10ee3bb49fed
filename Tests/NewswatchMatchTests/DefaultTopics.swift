import Foundation
import NewswatchCore
import NewswatchMatch
import TOMLKit

/// The shipped default topics (`Config/default-topics.toml`), read as the daemon's config loader reads them.
enum DefaultTopics {
    static var fileURL: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/default-topics.toml")
    }

    static func load() throws -> [TopicDefinition] {
        let table = try TOMLTable(string: String(contentsOf: fileURL, encoding: .utf8))
        guard let topics = table["topics"]?.array else { return [] }
        return topics.compactMap { value -> TopicDefinition? in
            guard let t = value.table, let id = t["id"]?.string, let name = t["name"]?.string,
                let query = t["query"]?.string
            else { return nil }
            return TopicDefinition(
                id: id, name: name, query: query, exclude: t["exclude"]?.string,
                priority: t["priority"]?.string.flatMap(Priority.init(rawValue:)) ?? .normal,
                alert: t["alert"]?.bool ?? true)
        }
    }

    static func matcher() throws -> TopicMatcher { try TopicMatcher(topics: load()) }

    /// A fixture file of the test bundle.
    static func fixture(_ name: String) throws -> String {
        guard let url = Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try String(contentsOf: url, encoding: .utf8)
    }
}
