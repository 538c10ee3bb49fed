import Foundation
import GRDB
import NewswatchCore
import NewswatchSystem

extension SQLiteStore {
    /// The daemon's ingest: one transaction on GRDB's writer, awaited without blocking a thread of the cooperative
    /// pool. GRDB's writer is the one serialisation: the story index is touched only inside its transactions.
    public func ingest(_ batch: IngestBatch) async throws -> IngestOutcome {
        // Keys and hashes need no database: computed here, on the caller's thread, unless the caller did already.
        let incoming = batch.prepared ?? IngestTransaction.prepare(batch)
        let index = storyIndex
        // The batch (every item, key and match: many small allocations) is let go on a worker thread after the
        // write, not on the writer's thread, the serial stage of a cold round: the write only borrows it.
        let box = IngestBox(batch: batch, incoming: incoming)
        defer { Offload.workQueue.async { box.release() } }
        // GRDB interrupts an async access when its task is cancelled; an ingest that has started is not the poll's
        // to abandon (a shutdown waits for it, as for the blocking one), so it runs in a task of its own.
        return try await Task {
            try await write { db in try Self.ingest(box.batch, box.incoming, index: index, db) }
        }.value
    }

    /// The same ingest, blocking the calling thread (tools and tests that hold no task).
    public func ingest(_ batch: IngestBatch) throws -> IngestOutcome {
        let incoming = batch.prepared ?? IngestTransaction.prepare(batch)
        let index = storyIndex
        return try write { db in try Self.ingest(batch, incoming, index: index, db) }
    }

    /// One ingest inside its write transaction. The story index takes the batch's titles for good when the
    /// transaction commits and forgets them when it rolls back; both run on the writer before its next transaction.
    private static func ingest(
        _ batch: IngestBatch, _ incoming: [IngestTransaction.Incoming], index: StoryIndex, _ db: Database
    ) throws -> IngestOutcome {
        try index.catchUp(db, now: batch.fetchedAt.storeSeconds)
        var transaction = IngestTransaction(db: db, batch: batch, index: index)
        var outcome: IngestOutcome
        do {
            outcome = try transaction.run(incoming)
            outcome.alerts += try SQLiteStore.escalate(db, batch: batch, now: batch.fetchedAt.storeSeconds)
        } catch {
            // A rolled-back ingest must leave no trace in the index.
            index.discardPending()
            throw error
        }
        let highWater = transaction.maxItemID
        db.afterNextTransaction(
            onCommit: { _ in index.commitPending(highWater: highWater) }, onRollback: { _ in index.discardPending() })
        return outcome
    }
}

/// Holds an ingest's batch so that the thread that lets it go is chosen, not whichever drops the last reference.
private final class IngestBox: @unchecked Sendable {
    // Read by the write closure; emptied on a worker thread once the write has returned (ordered by the await).
    private(set) var batch: IngestBatch
    private(set) var incoming: [IngestTransaction.Incoming]

    init(batch: IngestBatch, incoming: [IngestTransaction.Incoming]) {
        self.batch = batch
        self.incoming = incoming
    }

    func release() {
        batch.items = []
        // The prepared items share their buffer with `incoming`: both go, or neither is freed here.
        batch.prepared = nil
        incoming = []
    }
}

/// The list lengths a cached statement with an `IN (…)` list is prepared for. A list is padded up to the next one:
/// a statement prepared per distinct length stayed in the writer's statement cache for the life of the process (a
/// few kilobytes each, one per item count a feed ever had: 4.4 MB of a soak's 33 MB heap peak, issue 18).
let cachedInListLengths = [1, 2, 4, 8, 16, 32, 64, 128, 256, 500]

/// `values` padded with copies of its first value (which changes nothing in an `IN` list) up to the next of
/// `cachedInListLengths`; longer lists as they are (callers chunk them to 500).
func paddedInList<C: Collection>(_ values: C) -> [C.Element] {
    var list = Array(values)
    guard let first = list.first, let length = cachedInListLengths.first(where: { $0 >= list.count }) else {
        return list
    }
    list.append(contentsOf: repeatElement(first, count: length - list.count))
    return list
}

func placeholders(_ n: Int) -> String {
    var s = "?"
    if n > 1 { s += String(repeating: ",?", count: n - 1) }
    return s
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
