import Logging
import NewswatchSystem

/// Logs a store that refuses writes (the database locked by another process, a full disk) once when it starts and
/// once when it ends, not once per feed and poll: with hundreds of feeds every poll would otherwise add a line saying
/// the same thing.
public final class StoreOutageLog: Sendable {
    /// Refused polls in the current outage; `nil`: none.
    private let refused = Locked<Int?>(nil)

    public init() {}

    /// A poll's write was refused; the first refusal of an outage is logged as an error, the rest at debug level.
    func refused(_ message: String, logger: Logger, metadata: Logger.Metadata) {
        let first = refused.withLock { count -> Bool in
            defer { count = (count ?? 0) + 1 }
            return count == nil
        }
        let line: Logger.Message =
            "store refuses writes, polls are retried at their interval and nothing owed is lost: \(message)"
        if first { logger.error(line, metadata: metadata) } else { logger.debug(line, metadata: metadata) }
    }

    /// A poll's write went through: ends an outage, saying so.
    func accepted(logger: Logger) {
        guard
            let count = refused.withLock({ count -> Int? in
                defer { count = nil }
                return count
            })
        else { return }
        logger.notice("store: writing again after \(count) refused polls")
    }
}
