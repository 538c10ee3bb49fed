/// A validated configuration with where it came from and what the loader noticed but accepted.
public struct LoadedConfig: Sendable {
    /// The configuration.
    public var config: NewswatchConfig
    /// How the file was found.
    public var location: ConfigLocation
    /// Accepted oddities worth one log line each (an OPML entry skipped, a feed listed twice by OPML files).
    public var warnings: [String]

    /// A loaded config with the loader's warnings.
    public init(config: NewswatchConfig, location: ConfigLocation, warnings: [String] = []) {
        self.config = config
        self.location = location
        self.warnings = warnings
    }
}
