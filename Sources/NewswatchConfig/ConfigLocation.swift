import Foundation

/// Which configuration a command runs on, and why (CONTRACT §1 lookup order).
public enum ConfigLocation: Sendable, Equatable, CustomStringConvertible {
    /// Named by `--config`.
    case option(URL)
    /// Named by `$NEWSWATCH_CONFIG`.
    case environment(URL)
    /// `/etc/newswatch/newswatch.toml`, which exists.
    case system(URL)
    /// None of the above: the default compiled into the binary.
    case embedded

    /// The file, or `nil` for the embedded default.
    public var file: URL? {
        switch self {
        case .option(let u), .environment(let u), .system(let u): return u
        case .embedded: return nil
        }
    }

    /// Where the config was found, as `check-config` shows it.
    public var description: String {
        switch self {
        case .option(let u): return "\(u.path) (--config)"
        case .environment(let u): return "\(u.path) ($NEWSWATCH_CONFIG)"
        case .system(let u): return u.path
        case .embedded: return ConfigLoader.embeddedName
        }
    }

    /// Applies the lookup order: `--config`, else `$NEWSWATCH_CONFIG`, else `systemPath` if it exists, else the
    /// embedded default. A file named explicitly that does not exist is an error (exit 66); only a missing
    /// system file falls back.
    public static func locate(
        explicit: String?, environment: [String: String], systemPath: String = ConfigLoader.systemPath,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) throws(ConfigError) -> ConfigLocation {
        func absolute(_ path: String) -> URL {
            let url =
                path.hasPrefix("/")
                ? URL(fileURLWithPath: path)
                : URL(fileURLWithPath: currentDirectory, isDirectory: true).appendingPathComponent(path)
            return url.standardizedFileURL
        }
        func mustExist(_ url: URL, via: String) throws(ConfigError) {
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw ConfigError(
                    kind: .fileNotFound, file: url.path,
                    message: "no such config file (named by \(via)); check the path, or omit it to use "
                        + "\(systemPath) or the embedded default")
            }
        }
        if let explicit {
            let url = absolute(explicit)
            try mustExist(url, via: "--config")
            return .option(url)
        }
        if let env = environment["NEWSWATCH_CONFIG"], !env.isEmpty {
            let url = absolute(env)
            try mustExist(url, via: "$NEWSWATCH_CONFIG")
            return .environment(url)
        }
        if FileManager.default.fileExists(atPath: systemPath) {
            return .system(URL(fileURLWithPath: systemPath))
        }
        return .embedded
    }
}
