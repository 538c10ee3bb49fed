import ArgumentParser
import Logging
import NewswatchConfig
import NewswatchDaemon

/// `newswatch run`: the daemon (CONTRACT §1, §7).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Poll feeds on schedule, write alerts as items arrive and the daily digest at its time.",
        discussion: """
            Runs until SIGTERM or SIGINT (finishing in-flight work); SIGHUP reloads the config. With --once, \
            fetches every feed now, writes every alert owed, gives other sinks one attempt, and exits 0 when the \
            round ran (each feed failure is logged); 1 when the alerts file or the database could not be written \
            (disk full, file size limit, database locked by another process): what is owed stays owed.
            """)

    @OptionGroup var configOption: ConfigOption

    @Flag(name: .long, help: "Run one round of every feed, deliver the alerts, and exit.")
    var once = false

    @Option(
        name: .long, help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel: String?

    func validate() throws {
        if let logLevel, NewswatchLogging.level(named: logLevel) == nil {
            throw ValidationError(
                "unknown log level '\(logLevel)': use \(NewswatchLogging.levelNames.joined(separator: ", "))")
        }
    }

    func run() async throws {
        // The flag wins; otherwise the config's log_level once the config is read.
        let flagLevel = logLevel.flatMap(NewswatchLogging.level(named:))
        NewswatchLogging.bootstrap(level: flagLevel ?? .trace)
        do {
            try await Commands.run(
                configPath: configOption.config, once: once, logLevel: flagLevel, version: NewswatchVersion.string)
        } catch let error as CommandError {
            throw Console.fail(error)
        }
    }
}
