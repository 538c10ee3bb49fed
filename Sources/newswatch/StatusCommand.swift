import ArgumentParser
import Foundation
import NewswatchConfig
import NewswatchDaemon
import NewswatchStore

/// `newswatch status`: feed and sink health from the state database (CONTRACT §1, §7). Runs beside the daemon.
struct StatusCommand: ParsableCommand {
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

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The config file (default: $NEWSWATCH_CONFIG, else /etc/newswatch/newswatch.toml, else the embedded "
                + "default).", valueName: "file"))
    var config: String?

    @Flag(name: .long, help: "Print JSON (CONTRACT §7) instead of a table.")
    var json = false

    func run() throws {
        let loaded: LoadedConfig
        do {
            loaded = try ConfigLoader.load(explicitPath: config)
        } catch {
            for line in error.allDescriptions { Console.error(line) }
            throw ExitCode(error.exitCode)
        }
        let database = StateDatabase.url(stateDirectory: loaded.config.daemon.stateDirectory)
        var store: SQLiteStore?
        if FileManager.default.fileExists(atPath: database.path) {
            do {
                store = try SQLiteStore(path: database.path, options: .init(readOnly: true, busyTimeout: 5))
            } catch let error as StoreError where error.kind == .notInitialised {
                Console.warning("\(database.path): \(error.message); showing the configured feeds only")
            } catch {
                throw Console.fail(Exit.failure, "cannot open the state database: \(error)")
            }
        } else {
            Console.warning(
                "no state database at \(database.path) yet (the daemon has not run); showing the configured feeds only")
        }
        let now = Date()
        let report: StatusReport
        do {
            report = try StatusReport.build(config: loaded.config, store: store, now: now)
        } catch {
            throw Console.fail(Exit.failure, "cannot read the state database \(database.path): \(error)")
        }
        if json { Console.json(report.json.pretty + "\n") } else { Console.output(report.table(now: now)) }
    }
}
