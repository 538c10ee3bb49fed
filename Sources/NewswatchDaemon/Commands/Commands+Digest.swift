import Foundation
import Logging
import NewswatchDigest
import NewswatchStore

extension Commands {
    /// Why `date` cannot be a digest's `--date`, or nil when it is a real `YYYY-MM-DD` date.
    public static func digestDateProblem(_ date: String) -> String? {
        DigestDate(date) == nil ? "--date must be a real date written YYYY-MM-DD, not '\(date)'" : nil
    }

    /// `digest`: writes the digest issued on `date` (default: the most recently completed period) from stored
    /// data; the output is the written files' paths, one a line (CONTRACT §5).
    public static func digest(configPath: String?, date: String?, logger: Logger) async throws(CommandError)
        -> CommandOutput
    {
        let loaded = try CommandConfig.load(configPath, logger: logger)
        let paths = StatePaths(loaded.config.daemon)
        guard loaded.config.store.isShared || FileManager.default.fileExists(atPath: paths.database.path) else {
            throw CommandError(.noInput, "no state database at \(paths.database.path): run `newswatch run` first")
        }
        do {
            try paths.create()
            let opened = try await StoreOpener.open(loaded.config, access: .readWrite)
            defer { Task { await opened.close() } }
            let publisher = DigestPublisher(config: loaded.config, store: opened.store, logger: logger)
            let period =
                date.flatMap(DigestDate.init).map { publisher.schedule.period(issuedOn: $0) }
                ?? publisher.schedule.mostRecentlyCompletedPeriod(at: Date())
            return CommandOutput(try await publisher.write(period).map { $0.path + "\n" }.joined())
        } catch {
            throw CommandError(.failure, "digest failed: \(error)")
        }
    }
}
