import Foundation
import NewswatchSystem
import PostgresNIO

/// A `PostgresStore`'s in-memory title index (`StoryIndex`), kept in step with a database that several daemons write.
///
/// Why it is correct: every ingest takes the story lock (`PostgresStore.storyLock`, a transaction-level advisory
/// lock) before it writes items or reads other feeds' (before it: only its feed's row and a read of its own items),
/// so ingests on one database — this daemon's and every other's — run their story phase one at a time, and each
/// sees every earlier ingest's committed items (the lock is released after the commit is visible). Item ids come
/// from one sequence and are taken only under the lock, so they grow in commit order: reading the items above the
/// index's high-water id catches up with everything committed since it last looked, by any daemon, and a later
/// commit can never slip in below it.
///
/// - Important: Not thread-safe. Owner: the holder of the story lock (one ingest transaction at a time, in any
///   process); only `invalidate()` may be called without it.
final class PostgresStoryIndex: @unchecked Sendable {
    private(set) var index = StoryIndex()
    private var newest: Int64 = 0
    private var lastExpiry: Int64 = 0
    /// Set when a transaction that had added its entries failed to commit: the next catch-up starts afresh.
    private let stale = Locked(false)

    /// What the running ingest needs besides the titles, read by the same statement as the catch-up (under the lock).
    struct Extras {
        /// For each of the asked links, the story of the first (by id) other feed's item with it.
        var storyByLink: [String: Int64] = [:]
        /// Reserved ids, ascending: item ids above every committed item's, and story ids.
        var itemIDs: [Int64] = []
        var storyIDs: [Int64] = []
    }

    /// Forgets the running ingest's entries, reads the items committed since the last catch-up (by any daemon) and
    /// drops entries that fell out of the window. Runs under the story lock. In the same statement (one round trip
    /// while every other ingest waits): other feeds' stories of `links`, and `newItems` item and story ids.
    func catchUp(
        _ c: PostgresConnection, now: Int64, feedID: Int64, links: [String], newItems: Int, logger: Logger
    ) async throws -> Extras {
        let restart = stale.withLock { s in
            defer { s = false }
            return s
        }
        if restart {
            index = StoryIndex()
            newest = 0
            lastExpiry = 0
        }
        index.discardPending()
        newest = max(newest, now)
        // The items committed since (by id) within the window, then the highest id (the one row of part 1).
        let rows = try await c.rows(
            """
            SELECT id, story_id, title, published, 0 AS part FROM items
            WHERE id > \(index.highWater) AND published >= \(newest - StoryIndex.window)
            UNION ALL SELECT max(id), NULL, NULL, NULL, 1 FROM items
            UNION ALL SELECT id, story_id, norm_link, NULL, 2 FROM items
            WHERE norm_link = ANY(\(links)) AND feed_id <> \(feedID)
            UNION ALL SELECT nextval(pg_get_serial_sequence('items', 'id')), NULL, NULL, NULL, 3
            FROM generate_series(1, \(newItems))
            UNION ALL SELECT nextval(pg_get_serial_sequence('stories', 'id')), NULL, NULL, NULL, 4
            FROM generate_series(1, \(newItems))
            ORDER BY part, id
            """, logger: logger)
        var highWater = index.highWater
        var extras = Extras()
        for row in rows {
            let (id, storyID, text, published, part) = try row.decode((Int64?, Int64?, String?, Int64?, Int).self)
            switch part {
            case 0:
                if let text, let storyID, let published {
                    index.addPending(StoryIndex.Entry(storyID: storyID, time: published, title: StoryTitle(text)))
                }
                if let id { highWater = max(highWater, id) }
            case 1:
                if let id { highWater = max(highWater, id) }
            case 2:
                if let text, let storyID, extras.storyByLink[text] == nil { extras.storyByLink[text] = storyID }
            case 3:
                if let id { extras.itemIDs.append(id) }
            default:
                if let id { extras.storyIDs.append(id) }
            }
        }
        index.commitPending(highWater: highWater)
        expire()
        return extras
    }

    /// Makes the running ingest's entries permanent, just before its transaction commits (still under the lock).
    func commitPending(highWater: Int64) { index.commitPending(highWater: highWater) }

    /// Forgets the running ingest's entries (its transaction is rolling back).
    func discardPending() { index.discardPending() }

    /// The last transaction's entries may name items that never committed: rebuild on the next catch-up.
    func invalidate() { stale.withLock { $0 = true } }

    /// Drops entries older than the window, at most hourly and only when a quarter of them are, as `StoryIndex`.
    private func expire() {
        guard newest - lastExpiry >= 3600 else { return }
        lastExpiry = newest
        index.dropEntries(before: newest - StoryIndex.window)
    }
}
