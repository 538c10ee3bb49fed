import Foundation
import NewswatchConfig

/// Where the daemon keeps its files, derived from `state_dir` and `output_dir` (CONTRACT §1, §4–6).
public struct StatePaths: Sendable {
    public var stateDirectory: URL
    public var outputDirectory: URL

    public init(stateDirectory: URL, outputDirectory: URL) {
        self.stateDirectory = stateDirectory
        self.outputDirectory = outputDirectory
    }

    public init(_ settings: DaemonSettings) {
        self.init(stateDirectory: settings.stateDirectory, outputDirectory: settings.outputDirectory)
    }

    /// The SQLite database.
    public var database: URL { StateDatabase.url(stateDirectory: stateDirectory) }
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
