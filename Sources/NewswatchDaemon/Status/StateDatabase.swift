import Foundation

/// Where the SQLite state database lives inside `state_dir` (the daemon writes it, `status` reads it).
public enum StateDatabase {
    /// The database file's name.
    public static let fileName = "newswatch.sqlite"

    /// `<state_dir>/newswatch.sqlite`.
    public static func url(stateDirectory: URL) -> URL {
        stateDirectory.appendingPathComponent(fileName, isDirectory: false)
    }
}
