import Foundation
import GRDB

/// Copies the write-ahead log back into the database file on a connection and thread of its own.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold, on the writer's thread: with
/// one ingest transaction per feed, a cold start spent about a seventh of the writer's time checkpointing (page
/// copies and `fsync`), time every other feed's ingest waited for. Here every commit only notes that the log
/// grew; a PASSIVE checkpoint (which never blocks readers or the writer) then runs on a utility queue, one at a
/// time, again as long as commits arrived while it ran. The writer's automatic checkpoint stays on at a much larger
/// threshold as a backstop, so the log stays bounded even if these checkpoints fail or fall behind.
final class WALCheckpointer: @unchecked Sendable {
    /// The writer's own automatic checkpoint threshold, in pages (4 KiB each): 64 MiB of log.
    static let backstopPages = 16384

    private let path: String
    private let queue = DispatchQueue(label: "newswatch.store.checkpoint", qos: .utility)
    // Owner: `lock`.
    private let lock = NSLock()
    private var running = false
    private var dirty = false
    // Owner: `queue`.
    private var connection: DatabaseQueue?

    init(path: String) { self.path = path }

    /// Called after each committed write transaction.
    func committed() {
        lock.lock()
        dirty = true
        let start = !running
        running = true
        lock.unlock()
        if start { queue.async { self.drain() } }
    }

    /// Runs until no commit arrived during the last checkpoint.
    private func drain() {
        while true {
            lock.lock()
            guard dirty else {
                running = false
                lock.unlock()
                return
            }
            dirty = false
            lock.unlock()
            checkpoint()
        }
    }

    private func checkpoint() {
        do {
            if connection == nil {
                var config = Configuration()
                config.label = "newswatch-checkpoint"
                connection = try DatabaseQueue(path: path, configuration: config)
            }
            // Busy (another checkpoint running, e.g. the backstop) is fine: the next commit asks again.
            _ = try connection?.writeWithoutTransaction { try $0.checkpoint(.passive) }
        } catch {
            connection = nil
        }
    }
}
