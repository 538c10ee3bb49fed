import ArgumentParser

/// The `--config` option shared by every command that reads the config (CONTRACT §1 lookup order).
struct ConfigOption: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The config file (default: $NEWSWATCH_CONFIG, else /etc/newswatch/newswatch.toml, else the embedded "
                + "default).", valueName: "file"))
    var config: String?
}
