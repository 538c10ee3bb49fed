import ArgumentParser
import Foundation
import Logging
import NewswatchDaemon
import NewswatchDigest
import NewswatchStore

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
        if let date, DigestDate(date) == nil {
            throw ValidationError("--date must be a real date written YYYY-MM-DD, not '\(date)'")
        }
    }

    func run() async throws {
        NewswatchLogging.bootstrap(level: .notice)
        let logger = Logger(label: "newswatch")
        let loaded = try configOption.load(logger: logger)
        let paths = StatePaths(loaded.config.daemon)
        guard FileManager.default.fileExists(atPath: paths.database.path) else {
            throw Console.fail(
                Exit.noInput, "no state database at \(paths.database.path): run `newswatch run` first")
        }
        do {
            try paths.create()
            let store = try SQLiteStore(path: paths.database.path)
            let publisher = DigestPublisher(config: loaded.config, store: store, logger: logger)
            let period =
                date.flatMap(DigestDate.init).map { publisher.schedule.period(issuedOn: $0) }
                ?? publisher.schedule.mostRecentlyCompletedPeriod(at: Date())
            for file in try publisher.write(period) { Console.output(file.path + "\n") }
        } catch {
            throw Console.fail(Exit.failure, "digest failed: \(error)")
        }
    }
}
