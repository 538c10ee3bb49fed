import Foundation
import NewswatchConfig
import NewswatchTestSupport
import Testing

/// Helpers shared by the config tests.
enum ConfigTestSupport {
    /// A stand-in for the query parser: unbalanced parentheses and a dangling operator are errors;
    /// the canonical form upper-cases `or`/`and` and collapses spaces.
    static let queries = QueryValidation(
        check: { query in
            var open: [(line: Int, column: Int)] = []
            var line = 1
            var column = 0
            for c in query {
                if c == "\n" {
                    line += 1
                    column = 0
                    continue
                }
                column += 1
                if c == "(" { open.append((line, column)) }
                if c == ")" {
                    if open.isEmpty { return .init(line: line, column: column, message: "unmatched ')'") }
                    open.removeLast()
                }
            }
            if let (l, c) = open.last { return .init(line: l, column: c, message: "'(' is never closed") }
            if let last = query.split(separator: " ").last, ["OR", "AND", "NOT"].contains(last) {
                return .init(line: line, column: column + 1, message: "expected a term after \(last)")
            }
            return nil
        },
        canonical: { query in
            query.split(separator: " ").map { ["or", "and"].contains($0) ? $0.uppercased() : String($0) }
                .joined(separator: " ")
        })

    /// The directory holding `full.toml` and its companions (inside the test bundle).
    static var fixtures: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/config", isDirectory: true)
    }

    /// Writes `toml` (and `files`) into a fresh directory and loads it.
    static func load(
        _ toml: String, files: [String: String] = [:], environment: [String: String] = ["HOME": "/home/editor"]
    ) throws -> LoadedConfig {
        let dir = try TemporaryDirectory(prefix: "newswatch-config")
        defer { dir.remove() }
        for (name, text) in files { try dir.write(name, text) }
        let file = try dir.write("newswatch.toml", toml)
        return try ConfigLoader.load(file: file, environment: environment, queries: queries)
    }

    /// Loads `toml` expecting a `ConfigError`, and returns it.
    static func error(
        _ toml: String, files: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ConfigError {
        do {
            let loaded = try load(toml, files: files)
            Issue.record("expected a config error, got \(loaded.config)", sourceLocation: sourceLocation)
            throw CancellationError()
        } catch let e as ConfigError {
            return e
        }
    }
}
