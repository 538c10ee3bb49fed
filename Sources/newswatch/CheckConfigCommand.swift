import ArgumentParser
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

    @OptionGroup var configOption: ConfigOption

    func run() throws {
        do {
            Console.print(try Commands.checkConfig(configPath: configOption.config))
        } catch {
            throw Console.fail(error)
        }
    }
}
