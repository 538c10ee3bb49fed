import ArgumentParser
import NewswatchDaemon

/// `newswatch status`: feed and sink health from the state database (CONTRACT §1, §7). Runs beside the daemon.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show feed health, alert sink outboxes and totals from the state database.",
        discussion: """
            Reads the configuration (for the feed list, sinks and digest time zone) and the database in state_dir \
            read-only, so it can run beside the daemon. A feed is "silent" when its fetches succeed but it brought \
            no new item for longer than max(3 days, 20 × its interval). When the daemon has not created the \
            database yet, every configured feed is shown as never fetched, a note goes to stderr, and the exit \
            status is 0. Exit 78 for a bad config, 66 for a missing --config file, 1 when the database cannot be \
            read.
            """)

    @OptionGroup var configOption: ConfigOption

    @Flag(name: .long, help: "Print JSON (CONTRACT §7) instead of a table.")
    var json = false

    func run() async throws {
        do {
            Console.print(try await Commands.status(configPath: configOption.config, json: json))
        } catch {
            throw Console.fail(error)
        }
    }
}
