import Logging
import NewswatchConfig

/// The config as every command reads it (CONTRACT §1 lookup order: `--config`, `$NEWSWATCH_CONFIG`, the system
/// file, the embedded default).
public enum CommandConfig {
    /// Loads and validates the config at `path` (or found by the lookup order); its warnings go to `logger`.
    public static func load(
        _ path: String?, queries: QueryValidation = .standard, logger: Logger? = nil
    ) throws(CommandError) -> LoadedConfig {
        do {
            let loaded = try ConfigLoader.load(explicitPath: path, queries: queries, logger: logger)
            for warning in loaded.warnings { logger?.warning("config: \(warning)") }
            return loaded
        } catch {
            throw CommandError(error)
        }
    }
}
