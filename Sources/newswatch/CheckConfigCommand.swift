import ArgumentParser
import Foundation
import NewswatchConfig
import NewswatchDaemon

/// `newswatch check-config`: validates the config and every topic query, prints a summary (CONTRACT §1).
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the configuration and every topic query; print a summary.",
        discussion: """
            Exits 0 when the configuration is valid, 78 when it is not (every problem is printed with \
            file:line), 66 when the file named by --config or $NEWSWATCH_CONFIG does not exist.
            """)

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The config file (default: $NEWSWATCH_CONFIG, else /etc/newswatch/newswatch.toml, else the embedded "
                + "default).", valueName: "file"))
    var config: String?

    func run() throws {
        let queries = QueryValidation.standard
        let loaded: LoadedConfig
        do {
            loaded = try ConfigLoader.load(explicitPath: config, queries: queries)
        } catch {
            for line in error.allDescriptions { Console.error(line) }
            throw ExitCode(error.exitCode)
        }
        Console.output(ConfigSummary.render(loaded, queries: queries))
    }
}
