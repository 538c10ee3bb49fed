import ArgumentParser
import Logging
import NewswatchDaemon

/// `newswatch digest`: writes (or rewrites) one day's digest from stored data (CONTRACT §1, §5).
struct DigestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "Write the digest for a date from stored data (default: the most recently completed period).",
        discussion: """
            Idempotent: rewriting an unchanged period gives identical bytes. For a period that has not ended \
            yet it writes what is known so far. May run beside the daemon.
            """)

    @OptionGroup var configOption: ConfigOption

    @Option(name: .long, help: ArgumentHelp("The date of issue.", valueName: "YYYY-MM-DD"))
    var date: String?

    func validate() throws {
        if let problem = date.flatMap(Commands.digestDateProblem) { throw ValidationError(problem) }
    }

    func run() async throws {
        NewswatchLogging.bootstrap(level: .notice)
        do {
            let logger = Logger(label: "newswatch")
            Console.print(try await Commands.digest(configPath: configOption.config, date: date, logger: logger))
        } catch {
            throw Console.fail(error)
        }
    }
}
