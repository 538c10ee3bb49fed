import ArgumentParser
import Foundation
import Logging
import NewswatchConfig
import NewswatchDaemon

/// The `--config` option shared by every command that reads the config (CONTRACT §1 lookup order).
struct ConfigOption: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The config file (default: $NEWSWATCH_CONFIG, else /etc/newswatch/newswatch.toml, else the embedded "
                + "default).", valueName: "file"))
    var config: String?

    /// Loads and validates the config; on failure prints every problem as one stderr line and exits 66 or 78.
    func load(logger: Logger? = nil) throws -> LoadedConfig {
        try Self.load(explicitPath: config, logger: logger)
    }

    /// Loads the config named by `explicitPath` (or found by the lookup order), exiting 66/78 on failure.
    static func load(explicitPath: String?, logger: Logger? = nil) throws -> LoadedConfig {
        do {
            let loaded = try ConfigLoader.load(explicitPath: explicitPath, logger: logger)
            for warning in loaded.warnings { logger?.warning("config: \(warning)") }
            return loaded
        } catch {
            for line in error.allDescriptions { Console.error(line) }
            throw ExitCode(error.exitCode)
        }
    }
}
