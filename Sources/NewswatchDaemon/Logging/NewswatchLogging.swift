import Foundation
import Logging

/// Logging set-up for the `newswatch` executable: `--log-level` names and the one-time bootstrap.
public enum NewswatchLogging {
    /// The label of the root logger.
    public static let rootLabel = "newswatch"

    /// The `--log-level` / `daemon.log_level` names, least to most severe.
    public static let levelNames: [String] = Logger.Level.allCases.map(\.rawValue)

    /// The level for a `--log-level` value: `trace`, `debug`, `info`, `notice`, `warning`, `error`, `critical`
    /// (case-insensitive; `warn` is accepted for `warning`). `nil` for anything else.
    public static func level(named name: String) -> Logger.Level? {
        let lowered = name.lowercased()
        if lowered == "warn" { return .warning }
        return Logger.Level(rawValue: lowered)
    }

    /// Installs ``JournalLogHandler`` for every logger, choosing the journal format when `$JOURNAL_STREAM`
    /// is stderr. Call once, first thing in `main` (swift-log allows one bootstrap per process).
    public static func bootstrap(
        level: Logger.Level, environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        let format = JournalLogHandler.Format.detect(environment: environment, fileDescriptor: 2)
        LoggingSystem.bootstrap { label in
            JournalLogHandler(label: label, format: format, level: level)
        }
    }
}
