import Foundation
import NewswatchConfig

/// Where the daemon keeps its files, derived from `state_dir` and `output_dir` (CONTRACT §1, §4–6): the one place
/// every command (`run`, `status`, `digest`, `match --stored`, `feedback`, `eval --feedback`) finds the database.
public struct StatePaths: Sendable {
    /// The database file's name inside `state_dir`.
    public static let databaseFileName = "newswatch.sqlite"

    public var stateDirectory: URL
    public var outputDirectory: URL

    public init(stateDirectory: URL, outputDirectory: URL) {
        self.stateDirectory = stateDirectory
        self.outputDirectory = outputDirectory
    }

    public init(_ settings: DaemonSettings) {
        self.init(stateDirectory: settings.stateDirectory, outputDirectory: settings.outputDirectory)
    }

    /// The SQLite database: `<state_dir>/newswatch.sqlite`.
    public var database: URL { stateDirectory.appendingPathComponent(Self.databaseFileName, isDirectory: false) }
    public var alerts: URL { outputDirectory.appendingPathComponent("alerts", isDirectory: true) }
    public var digests: URL { outputDirectory.appendingPathComponent("digests", isDirectory: true) }

    /// Creates the state and output directories and `alerts/`, `digests/` if missing (CONTRACT §6).
    public func create() throws {
        let fm = FileManager.default
        for dir in [stateDirectory, outputDirectory, alerts, digests] {
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        }
    }
}
