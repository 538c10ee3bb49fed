import Foundation
import GRDB
import NewswatchSystem

/// Copies the write-ahead log back into the database file on a connection and thread of its own.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold, on the writer's thread: with
/// one ingest transaction per feed, a cold start spent about a seventh of the writer's time checkpointing (page
/// copies and `fsync`), time every other feed's ingest waited for. Here every commit only notes that the log
/// grew; a PASSIVE checkpoint (which never blocks readers or the writer) then runs on a utility queue, one at a
/// time, again as long as commits arrived while it ran. A passive checkpoint racing a busy writer never finishes
/// the log, and SQLite only starts the log over once one has: so when the log has grown past `restartFrames`, further
/// passive passes copy what the writer added during the pass before (usually less each time), and a last passive
/// pass runs on the writer's own queue, between two of its transactions: it copies the rest, and the writer's next
/// transaction starts the log from the beginning (SQLite does so when it finds the whole log copied and no read
/// transaction open on it; with one open, a later checkpoint tries again). Should the log still have grown to twice
/// `restartFrames`, a RESTART checkpoint forces it (it waits up to two seconds for readers). If the writer commits
/// `maxCommitsAhead` times while one checkpoint runs, its next commit waits for that checkpoint, so the log stays
/// bounded however slow the disk is (while the checkpoint waits for its pass on the writer's queue, the writes queued
/// ahead of that pass go on without waiting). The writer's automatic checkpoint stays on at a larger threshold as a
/// backstop.
///
/// A checkpoint waits for `batchCommits` commits, or `batchDelay` after the first one: each costs two `fdatasync`s,
/// and one per commit made a 2,000-feed all-304 round (2,000 one-row commits) sync 1,100 times (issue 18).
final class WALCheckpointer: @unchecked Sendable {
    /// The writer's own automatic checkpoint threshold, in pages (4 KiB each): 64 MiB of log.
    static let backstopPages = 16384
    /// Log length (frames, one page each) from which a checkpoint also restarts the log: 32 MiB.
    static let restartFrames = 8192
    /// Frames the last pass, on the writer's queue, may be left to copy (more: another passive pass beside it first).
    static let restartRestFrames = 256
    /// Passive passes beside the writer one checkpoint makes at most before the last one, however fast it adds frames.
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
    /// Last passes on the writer's queue that copied the whole log, and RESTARTs forced (tests).
    private var writerPasses = 0
    private var restarts = 0
    /// Whether a commit is waiting for a running checkpoint (tests).
    private var writerHeld = false
    /// Holds a checkpoint just before its last pass on the writer's queue (tests).
    private var beforeWriterPass: DispatchSemaphore?
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
        // Never while the checkpoint waits for its pass on the writer's queue: that pass is queued behind this
        // commit's write, which would then wait for it for good.
        while !start && running && !passOnWriter && commitsAhead > WALCheckpointer.maxCommitsAhead {
            writerHeld = true
            lock.wait()
        }
        writerHeld = false
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

    /// Holds the next checkpoint that reaches its last pass just before it (tests).
    func holdBeforeWriterPassForTesting(until release: DispatchSemaphore) {
        lock.lock()
        beforeWriterPass = release
        lock.unlock()
    }

    /// Whether a commit is waiting for a running checkpoint now (tests).
    var isWriterHeld: Bool {
        lock.lock()
        defer { lock.unlock() }
        return writerHeld
    }

    /// How many last passes on the writer's queue copied the whole log, and how many RESTARTs were forced (tests).
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
            // pass before (usually less each time), until the rest is small. Then the last pass runs on the
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
            // Twice `restartFrames`: the last passes did not end the log (a read transaction was open on it).
            if let writer, frames < 2 * WALCheckpointer.restartFrames {
                lastPassOnWriter(writer)
            } else {
                _ = try connection.writeWithoutTransaction { try $0.checkpoint(.restart) }
                lock.lock()
                restarts += 1
                lock.unlock()
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            // Another checkpoint held the log (the writer's backstop, another process): the next round tries again.
        } catch {
            connection = nil
        }
    }

    /// A passive pass on the writer's queue, between two of its transactions: nothing is added to the log while it
    /// copies the rest, so it copies all of it (unless a read transaction's snapshot holds frames back), and the
    /// writer's next transaction starts the log over (unless a read transaction is open on the log then). A RESTART
    /// from the checkpoint's own connection did the same, but it held the writer out for 16–150 ms each time (its
    /// busy handler's sleeps on both sides, and the copy and sync of all the writer had added meanwhile), and every
    /// ingest queued for the writer with it.
    private func lastPassOnWriter(_ writer: any DatabaseWriter) {
        lock.lock()
        let hold = beforeWriterPass
        beforeWriterPass = nil
        lock.unlock()
        hold?.wait()
        lock.lock()
        passOnWriter = true
        lock.broadcast()
        lock.unlock()
        let done = DispatchSemaphore(value: 0)
        let copiedAll = Locked(false)
        // Passive: never waits on a lock or a reader, so the writer is held for the copy and its sync only. A
        // failure (busy: another process's checkpoint) leaves the log to the next round.
        writer.asyncWriteWithoutTransaction { db in
            if let (log, copied) = try? db.checkpoint(.passive) { copiedAll.withLock { $0 = log == copied } }
            done.signal()
        }
        done.wait()
        lock.lock()
        passOnWriter = false
        if copiedAll.withLock({ $0 }) { writerPasses += 1 }
        lock.unlock()
    }
}
