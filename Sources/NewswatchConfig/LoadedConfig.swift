/// A validated configuration with where it came from and what the loader noticed but accepted.
public struct LoadedConfig: Sendable {
    public var config: NewswatchConfig
    public var location: ConfigLocation
    /// Accepted oddities worth one log line each (an OPML entry skipped, a feed listed twice by OPML files).
    public var warnings: [String]

    public init(config: NewswatchConfig, location: ConfigLocation, warnings: [String] = []) {
        self.config = config
        self.location = location
        self.warnings = warnings
    }
}
