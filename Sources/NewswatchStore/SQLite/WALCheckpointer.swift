import Foundation
import GRDB

/// Copies the write-ahead log back into the database file on a connection and thread of its own.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold, on the writer's thread: with
/// one ingest transaction per feed, a cold start spent about a seventh of the writer's time checkpointing (page
/// copies and `fsync`), time every other feed's ingest waited for. Here every commit only notes that the log
/// grew; a PASSIVE checkpoint (which never blocks readers or the writer) then runs on a utility queue, one at a
/// time, again as long as commits arrived while it ran. A passive checkpoint racing a busy writer never finishes
/// the log, and SQLite only starts the log over once one has: so when the log has grown past `restartFrames`, a
/// RESTART checkpoint waits for the writer's current transaction, copies the (by then short) rest and lets the next
/// commit start the log from the beginning. If the writer commits `maxCommitsAhead` times while one checkpoint
/// runs, its next commit waits for that checkpoint: the log stays bounded however slow the disk is. The writer's
/// automatic checkpoint stays on at a larger threshold as a backstop.
///
/// A checkpoint waits for `batchCommits` commits, or `batchDelay` after the first one: each costs two `fdatasync`s,
/// and one per commit made a 2,000-feed all-304 round (2,000 one-row commits) sync 1,100 times (issue 18).
final class WALCheckpointer: @unchecked Sendable {
    /// The writer's own automatic checkpoint threshold, in pages (4 KiB each): 64 MiB of log.
    static let backstopPages = 16384
    /// Log length (frames, one page each) from which a checkpoint also restarts the log: 32 MiB.
    static let restartFrames = 8192
    /// What the log file is cut back to when it starts over (it may grow past this while a checkpoint runs).
    static let logSizeLimit = 64 << 20

    /// Commits the writer may make during one checkpoint before it waits for it.
    static let maxCommitsAhead = 64
    /// Commits one checkpoint waits for (fewer: until `batchDelay` has passed); below `maxCommitsAhead`, so the
    /// wait never holds the writer.
    static let batchCommits = 32
    /// How long a checkpoint waits for `batchCommits` commits after the first.
    static let batchDelay: TimeInterval = 0.25

    private let path: String
    private let queue = DispatchQueue(label: "newswatch.store.checkpoint", qos: .utility)
    // Owner: `lock` (an NSCondition, so the writer can wait on it).
    private let lock = NSCondition()
    private var running = false
    private var dirty = false
    /// Commits since the running checkpoint started.
    private var commitsAhead = 0
    /// Commits no checkpoint has started on yet.
    private var waitingCommits = 0
    /// Checkpoints started (tests).
    private var started = 0
    // Owner: `queue`.
    private var connection: DatabaseQueue?

    init(path: String) { self.path = path }

    /// Called after each committed write transaction.
    func committed() {
        lock.lock()
        dirty = true
        let start = !running
        running = true
        commitsAhead += 1
        waitingCommits += 1
        if waitingCommits == WALCheckpointer.batchCommits { lock.broadcast() }
        while !start && running && commitsAhead > WALCheckpointer.maxCommitsAhead { lock.wait() }
        lock.unlock()
        if start { queue.async { self.drain() } }
    }

    /// Holds the checkpoint queue until `release` is signalled, as a checkpoint stuck on the disk would (tests).
    func holdForTesting(until release: DispatchSemaphore) {
        queue.async { release.wait() }
    }

    /// How many checkpoints have started (tests).
    var checkpointsStarted: Int {
        lock.lock()
        defer { lock.unlock() }
        return started
    }

    /// Blocks until no checkpoint is running or owed (tests).
    func waitUntilIdle() {
        while true {
            queue.sync {}
            lock.lock()
            let busy = running
            lock.unlock()
            if !busy { return }
        }
    }

    /// Runs until no commit arrived during the last checkpoint.
    private func drain() {
        while true {
            lock.lock()
            guard dirty else {
                running = false
                lock.broadcast()
                lock.unlock()
                return
            }
            let deadline = Date(timeIntervalSinceNow: WALCheckpointer.batchDelay)
            while waitingCommits < WALCheckpointer.batchCommits, lock.wait(until: deadline) {}
            dirty = false
            commitsAhead = 0
            waitingCommits = 0
            started += 1
            lock.broadcast()
            lock.unlock()
            checkpoint()
        }
    }

    private func checkpoint() {
        do {
            if connection == nil {
                var config = Configuration()
                config.label = "newswatch-checkpoint"
                config.busyMode = .timeout(2)
                connection = try DatabaseQueue(path: path, configuration: config)
            }
            // Busy (another checkpoint running, e.g. the backstop) is fine: the next commit asks again.
            guard let connection else { return }
            let (frames, _) = try connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
            if frames >= WALCheckpointer.restartFrames {
                _ = try connection.writeWithoutTransaction { try $0.checkpoint(.restart) }
            }
        } catch {
            connection = nil
        }
    }
}
