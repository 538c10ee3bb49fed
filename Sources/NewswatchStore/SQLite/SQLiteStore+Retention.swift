import Foundation
import GRDB
import NewswatchCore

extension SQLiteStore {
    @discardableResult
    public func prune(now: Date, retention: TimeInterval, batchSize: Int) throws -> PruneOutcome {
        // Both terms are clamped to years 1–9999, so the difference cannot overflow whatever `retention` says.
        let cutoff = now.storeSeconds - TimeBounds.seconds(retention.rounded(.up))
        let size = max(1, batchSize)
        var outcome = PruneOutcome()

        // An item has left its feed when a later successful parse of the feed did not contain it
        // (last_seen < the feed's last ingest). Items of a feed that has been failing or answering 304 are still
        // in it, however old their last_seen: pruning them would make them new when the feed comes back.
        let stale = try read { db in
            try Int64.fetchAll(
                db,
                sql: """
                    SELECT i.id FROM items i JOIN feeds f ON f.id = i.feed_id
                    WHERE i.last_seen < ? AND (i.last_seen < f.last_ingest OR f.active = 0)
                    ORDER BY i.id
                    """,
                arguments: [cutoff])
        }
        for chunk in stale.chunked(size) {
            outcome.items += try write { db in
                try db.execute(
                    sql: "DELETE FROM items WHERE id IN (\(placeholders(chunk.count)))",
                    arguments: StatementArguments(Array(chunk)))
                return db.changesCount
            }
        }

        // Stories without items (their alerts stay in the outbox until finished and old).
        while true {
            let n = try write { db in
                try db.execute(
                    sql: """
                        DELETE FROM stories WHERE id IN (
                            SELECT s.id FROM stories s
                            WHERE s.first_seen < ? AND NOT EXISTS (SELECT 1 FROM items i WHERE i.story_id = s.id)
                            LIMIT ?)
                        """,
                    arguments: [cutoff, size])
                return db.changesCount
            }
            outcome.stories += n
            if n < size { break }
        }

        while true {
            let n = try write { db in
                try db.execute(
                    sql: "DELETE FROM fetch_events WHERE id IN (SELECT id FROM fetch_events WHERE at < ? LIMIT ?)",
                    arguments: [cutoff, size])
                return db.changesCount
            }
            outcome.fetchEvents += n
            if n < size { break }
        }

        // Alerts whose every delivery finished, detected before the cutoff (deliveries go with them).
        while true {
            let n = try write { db in
                try db.execute(
                    sql: """
                        DELETE FROM alerts WHERE seq IN (
                            SELECT a.seq FROM alerts a
                            WHERE a.detected < ?
                              AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.alert_seq = a.seq AND d.state = ?)
                            LIMIT ?)
                        """,
                    arguments: [cutoff, Self.deliveryPending, size])
                return db.changesCount
            }
            outcome.alerts += n
            if n < size { break }
        }

        try pruneKindRecords(cutoff: cutoff)

        // Feeds removed from the config long ago, once nothing of theirs is left: found in one read, deleted a few
        // per transaction (each deletion's cascade still looks through `items` for the feed's rows, so hundreds in
        // one transaction would hold the writer for as many scans).
        let removed = try read { db in try Int64.fetchAll(db, sql: Self.removedFeedsSQL, arguments: [cutoff]) }
        for chunk in removed.chunked(Self.removedFeedsPerTransaction) {
            outcome.feeds += try write { db in
                try db.execute(
                    sql: """
                        DELETE FROM feeds WHERE id IN (\(placeholders(chunk.count))) AND active = 0
                          AND id NOT IN (SELECT feed_id FROM items)
                        """,
                    arguments: StatementArguments(Array(chunk)))
                return db.changesCount
            }
        }
        return outcome
    }

    /// The feeds inactive since before `?` that have no item left. `NOT IN` reads `items` once for them all; a
    /// correlated `NOT EXISTS` scanned the whole table per removed feed (every `items(feed_id, …)` index is partial):
    /// 25 s for 500 removed feeds on a 270 MB state (sqlite3, foreign keys off), at every retention run until their
    /// items aged out.
    static let removedFeedsSQL = """
        SELECT id FROM feeds WHERE active = 0 AND inactive_since < ? AND id NOT IN (SELECT feed_id FROM items)
        """

    /// How many removed feeds one write transaction deletes.
    static let removedFeedsPerTransaction = 10
}
