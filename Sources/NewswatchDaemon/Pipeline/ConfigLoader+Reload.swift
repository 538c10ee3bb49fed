import Foundation
import NewswatchConfig

extension ConfigLoader {
    /// Loads the config again from where `old` came from (SIGHUP): the same file, or the lookup again when the
    /// embedded default was in use (an operator may have created `/etc/newswatch/newswatch.toml` since).
    static func reload(_ old: LoadedConfig) throws(ConfigError) -> LoadedConfig {
        if let file = old.location.file {
            return try load(file: file, location: old.location)
        }
        return try load(explicitPath: nil)
    }
}
