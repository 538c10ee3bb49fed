import ArgumentParser
import NewswatchDaemon

/// `newswatch store`: the state store's tools (CONTRACT §9).
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Manage the state store.", subcommands: [Migrate.self])

    /// `newswatch store migrate --to URL`: a SQLite state copied into an empty PostgreSQL database.
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Copy the SQLite state into an empty PostgreSQL database.",
            discussion: """
                Copies every table of the database in state_dir (feeds, items, stories, matches, alerts, deliveries, \
                events) into the empty PostgreSQL database at URL (postgresql://user@host:port/database, no \
                password in it), creating its schema, in one transaction. The daemon must be stopped meanwhile. A \
                database that already holds data is refused. Exit 64 for a malformed URL, 66 for a missing state \
                database or password file, 69 when PostgreSQL cannot be reached or refuses the login, 1 otherwise.
                """)

        @OptionGroup var configOption: ConfigOption

        @Option(name: .long, help: ArgumentHelp("The PostgreSQL database to fill.", valueName: "url"))
        var to: String

        @Option(
            name: .long,
            help: ArgumentHelp("A file whose first line is the database password.", valueName: "file"))
        var passwordFile: String?

        func run() async throws {
            do {
                Console.print(
                    try await Commands.storeMigrate(configPath: configOption.config, to: to, passwordFile: passwordFile)
                )
            } catch {
                throw Console.fail(error)
            }
        }
    }
}
