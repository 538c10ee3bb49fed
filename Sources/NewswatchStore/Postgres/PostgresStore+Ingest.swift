import Foundation
import NewswatchCore
import PostgresNIO

extension PostgresStore {
    /// The key of the story lock: a transaction-level advisory lock every ingest takes first, so ingests on one
    /// database (of every daemon) assign stories and insert items one at a time (see `PostgresStoryIndex`).
    static let storyLock: Int64 = 0x6E77_7374_6F72_6965  // "nwstorie"

    /// Records one fetched and parsed feed in ONE transaction, with SQLite's semantics (`Store.ingest`): feed state,
    /// validators, body hash and schedule, new items and updates, stories, matches, `new` alerts and escalation
    /// `update` alerts with their delivery rows commit together.
    ///
    /// Several daemons: the story assignment holds the story lock (`pg_advisory_xact_lock`, to the commit), so two
    /// daemons ingesting copies of one story (another feed, same link or same headline) at the same moment cannot
    /// both start it — the second waits, then finds the first's committed items by link or in the title index — and
    /// the (story, topic) alert and the escalation thresholds stay single by their unique keys as well. Before the
    /// lock the transaction touches only the feed's own row and reads its own items (the feed is leased to this
    /// daemon), so ingests of different feeds overlap there; the only row it holds while waiting is its feed's,
    /// which no lock holder needs (no deadlock with another ingest or with retention).
    public func ingest(_ batch: IngestBatch) async throws -> IngestOutcome {
        // Keys and hashes need no database: computed before the transaction, outside the lock.
        let incoming = batch.prepared ?? IngestTransaction.prepare(batch)
        // An ingest that has started is not the poll's to abandon (a shutdown waits for it, as for SQLite's), and
        // the client fails a cancelled task's queries: it runs in a task of its own.
        return try await Task {
            let outcome = try await self.ingest(batch, incoming)
            // After the commit, outside the story lock; once per store at most.
            if self.statistics.noteInserted(outcome.newItems) {
                do {
                    try await PlannerStatistics.analyzeIfNever(self)
                } catch {
                    self.logger.warning("store: \(error)")
                }
            }
            return outcome
        }.value
    }

    private func ingest(_ batch: IngestBatch, _ incoming: [IngestTransaction.Incoming]) async throws -> IngestOutcome {
        let titles = storyIndex
        var added = false
        do {
            return try await transaction("ingest \(batch.feed.key)") { c -> IngestOutcome in
                var ingest = PostgresIngest(c, batch: batch, logger: logger)
                let prepared = try await ingest.prepare(incoming)
                try await c.query("SELECT pg_advisory_xact_lock(\(Self.storyLock))", logger: logger)
                let extras = try await titles.catchUp(
                    c, now: batch.fetchedAt.storeSeconds, feedID: ingest.feedID, links: prepared.links,
                    newItems: prepared.newItems, logger: logger)
                ingest.take(extras, index: titles.index)
                do {
                    var outcome = try await ingest.run(
                        incoming, feedState: prepared.feedState, guessedNew: prepared.newItems > 0)
                    outcome.alerts += try await ingest.escalate()
                    // Still under the lock: the next ingest (here or in another task) sees these entries.
                    titles.commitPending(highWater: ingest.maxItemID)
                    added = true
                    return outcome
                } catch {
                    // A rolled-back ingest must leave no trace in the index.
                    titles.discardPending()
                    throw error
                }
            }
        } catch {
            // The commit itself failed after the entries went in: they may name items that do not exist.
            if added { titles.invalidate() }
            throw error
        }
    }
}
