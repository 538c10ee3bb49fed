import Foundation
import Logging

/// Finds, reads and validates the configuration; every command that takes `--config` goes through here.
public enum ConfigLoader {
    /// The system-wide config file (CONTRACT §1).
    public static let systemPath = "/etc/newswatch/newswatch.toml"
    /// How the embedded default is named in messages.
    public static let embeddedName = "<embedded default config>"

    /// The embedded default: `Config/newswatch.toml` followed by `Config/default-topics.toml`.
    public static var embeddedText: String { EmbeddedDefaultConfig.text }

    /// Locates the config (`--config`, `$NEWSWATCH_CONFIG`, `/etc/newswatch/newswatch.toml`, embedded default),
    /// reads and validates it. Logs which one is used; logs each warning.
    ///
    /// - Throws: `ConfigError`; its `exitCode` is 66 for an explicitly named file that is missing or unreadable,
    ///   78 for everything else.
    public static func load(
        explicitPath: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        systemPath: String = ConfigLoader.systemPath, queries: QueryValidation = .standard, logger: Logger? = nil
    ) throws(ConfigError) -> LoadedConfig {
        let location = try ConfigLocation.locate(
            explicit: explicitPath, environment: environment, systemPath: systemPath)
        let loaded: LoadedConfig
        if let file = location.file {
            loaded = try load(file: file, location: location, environment: environment, queries: queries)
            logger?.info(
                "using config \(location)",
                metadata: ["feeds": "\(loaded.config.feeds.count)", "topics": "\(loaded.config.topics.count)"])
        } else {
            loaded = try parse(
                text: embeddedText, origin: .embedded, location: .embedded,
                baseDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true),
                environment: environment, queries: queries)
            logger?.notice(
                "no config file (--config, $NEWSWATCH_CONFIG, \(systemPath)); using the embedded default config",
                metadata: ["feeds": "\(loaded.config.feeds.count)", "topics": "\(loaded.config.topics.count)"])
        }
        for warning in loaded.warnings { logger?.warning("\(warning)") }
        return loaded
    }

    /// Reads and validates one file; relative paths inside it are relative to its directory.
    public static func load(
        file: URL, location: ConfigLocation? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment, queries: QueryValidation = .standard
    ) throws(ConfigError) -> LoadedConfig {
        let url = file.standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ConfigError(kind: .fileNotFound, file: url.path, message: "no such config file")
        }
        guard !isDirectory.boolValue else {
            throw ConfigError(kind: .unreadable, file: url.path, message: "is a directory; name the config file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ConfigError(
                kind: .unreadable, file: url.path,
                message: "cannot read the config file (\(error.localizedDescription)); check its permissions")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(kind: .syntax, file: url.path, message: "the config file is not UTF-8 text")
        }
        return try parse(
            text: text, origin: .file(url), location: location ?? .option(url),
            baseDirectory: url.deletingLastPathComponent(), environment: environment, queries: queries)
    }

    /// Validates config text. `baseDirectory` is what relative paths are relative to.
    public static func parse(
        text: String, origin: NewswatchConfig.Origin, location: ConfigLocation, baseDirectory: URL,
        environment: [String: String] = ProcessInfo.processInfo.environment, queries: QueryValidation = .standard
    ) throws(ConfigError) -> LoadedConfig {
        let parser = ConfigParser(
            text: text, fileName: origin.description, baseDirectory: baseDirectory, environment: environment,
            queries: queries)
        let config = try parser.parse(origin: origin)
        return LoadedConfig(config: config, location: location, warnings: parser.warnings)
    }
}
