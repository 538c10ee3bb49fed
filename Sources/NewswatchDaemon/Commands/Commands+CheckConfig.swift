import NewswatchConfig

extension Commands {
    /// `check-config`: validates the config and every topic query; the summary of CONTRACT §1.
    public static func checkConfig(configPath: String?) throws(CommandError) -> CommandOutput {
        let queries = QueryValidation.standard
        let loaded = try CommandConfig.load(configPath, queries: queries)
        return CommandOutput(ConfigSummary.render(loaded, queries: queries))
    }
}
