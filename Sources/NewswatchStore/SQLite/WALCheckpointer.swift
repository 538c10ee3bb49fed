import Foundation
import GRDB

/// Copies the write-ahead log back into the database file on a connection and thread of its own.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold, on the writer's thread: with
/// one ingest transaction per feed, a cold start spent about a seventh of the writer's time checkpointing (page
/// copies and `fsync`), time every other feed's ingest waited for. Here every commit only notes that the log
/// grew; a PASSIVE checkpoint (which never blocks readers or the writer) then runs on a utility queue, one at a
/// time, again as long as commits arrived while it ran. A passive checkpoint racing a busy writer never finishes
/// the log, and SQLite only starts the log over once one has: so when the log has grown past `restartFrames`, further
/// passive passes copy what the writer added during the pass before, each shorter than the last, and a last passive
/// pass runs on the writer's own queue, between two of its transactions: it copies the short rest, and the writer's
/// next transaction starts the log from the beginning (SQLite does so when it finds the log fully copied). Should
/// the log still have grown to twice `restartFrames` (a reader kept the last pass from copying everything), a
/// RESTART checkpoint forces it. If the writer commits `maxCommitsAhead` times while one checkpoint runs, its next
/// commit waits for that checkpoint: the log stays bounded however slow the disk is. The writer's automatic
/// checkpoint stays on at a larger threshold as a backstop.
///
/// A checkpoint waits for `batchCommits` commits, or `batchDelay` after the first one: each costs two `fdatasync`s,
/// and one per commit made a 2,000-feed all-304 round (2,000 one-row commits) sync 1,100 times (issue 18).
final class WALCheckpointer: @unchecked Sendable {
    /// The writer's own automatic checkpoint threshold, in pages (4 KiB each): 64 MiB of log.
    static let backstopPages = 16384
    /// Log length (frames, one page each) from which a checkpoint also restarts the log: 32 MiB.
    static let restartFrames = 8192
    /// Frames a RESTART may be left to copy while it holds the writer (more: another passive pass first).
    static let restartRestFrames = 256
    /// Passive passes one checkpoint makes at most before its RESTART, however fast the writer adds frames.
    static let maxPassivePasses = 6
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
    /// A checkpoint waits for its last pass on the writer's queue: the writer must not wait for it meanwhile.
    private var passOnWriter = false
    /// Last passes run on the writer's queue, and RESTARTs forced (tests).
    private var writerPasses = 0
    private var restarts = 0
    // Owner: `queue`.
    private var connection: DatabaseQueue?
    /// The store's writer, for the last pass; `nil`: a RESTART from `connection` instead.
    private let writer: (any DatabaseWriter)?

    init(path: String, writer: (any DatabaseWriter)? = nil) {
        self.path = path
        self.writer = writer
    }

    /// Called after each committed write transaction.
    func committed() {
        lock.lock()
        dirty = true
        let start = !running
        running = true
        commitsAhead += 1
        waitingCommits += 1
        if waitingCommits == WALCheckpointer.batchCommits { lock.broadcast() }
        while !start && running && !passOnWriter && commitsAhead > WALCheckpointer.maxCommitsAhead { lock.wait() }
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

    /// How many last passes ran on the writer's queue, and how many RESTARTs were forced (tests).
    var logEnds: (writerPasses: Int, restarts: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (writerPasses, restarts)
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
            var (frames, _) = try connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
            guard frames >= WALCheckpointer.restartFrames else { return }
            // The log is to start over. Further passive passes, beside the writer, copy what it added during the
            // pass before; each is shorter than the last, until the rest is small. Then the last pass runs on the
            // writer's queue (`lastPassOnWriter`).
            var passes = 1
            while passes < WALCheckpointer.maxPassivePasses {
                let (next, _) = try connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
                passes += 1
                // A pass found the log started over: the writer began a transaction after one copied all of it.
                if next < frames { return }
                let added = next - frames
                frames = next
                if added <= WALCheckpointer.restartRestFrames { break }
            }
            // Twice `restartFrames`: the last passes did not end the log (a reader's snapshot held frames back).
            if let writer, frames < 2 * WALCheckpointer.restartFrames {
                lastPassOnWriter(writer)
            } else {
                _ = try connection.writeWithoutTransaction { try $0.checkpoint(.restart) }
                lock.lock()
                restarts += 1
                lock.unlock()
            }
        } catch {
            connection = nil
        }
    }

    /// A passive pass on the writer's queue, between two of its transactions: nothing is added to the log while it
    /// copies the rest, so it copies all of it (unless a reader's snapshot holds frames back), and the writer's
    /// next transaction starts the log over. A RESTART from the checkpoint's own connection did the same, but it
    /// held the writer out for 16–150 ms each time (its busy handler's sleeps on both sides, and the copy and sync
    /// of all the writer had added meanwhile), and every ingest queued for the writer with it.
    private func lastPassOnWriter(_ writer: any DatabaseWriter) {
        lock.lock()
        passOnWriter = true
        writerPasses += 1
        lock.broadcast()
        lock.unlock()
        let done = DispatchSemaphore(value: 0)
        // Passive: never waits on a lock or a reader, so the writer is held for the copy and its sync only.
        writer.asyncWriteWithoutTransaction { db in
            _ = try? db.checkpoint(.passive)
            done.signal()
        }
        done.wait()
        lock.lock()
        passOnWriter = false
        lock.unlock()
    }
}
