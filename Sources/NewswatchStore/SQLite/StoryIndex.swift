import Foundation
import GRDB

/// An in-memory inverted index of recent items' title words, to find the story a new item joins by title.
///
/// The database is the truth: the index is rebuilt from it lazily (every item with a row id above `highWater`
/// is read before an ingest), so another store instance writing the same file, or a restart, only costs a catch-up
/// query. It holds items dated within `window` of the latest ingest time; older entries are dropped by
/// compaction. Titles of older items (backfill from weeks ago) are not indexed: they can still join by link.
///
/// - Important: Not thread-safe. Owner: `SQLiteStore.ingestLock`; touched only inside `ingest`'s transaction.
final class StoryIndex: @unchecked Sendable {
    struct Entry {
        var storyID: Int64
        /// The item's date (published, or first seen when undated), in store seconds.
        var time: Int64
        var title: StoryTitle
    }

    /// Items whose dates are this far apart never join by title.
    static let window: Int64 = 48 * 3600

    private(set) var entries: [Entry] = []
    private var postings: [UInt64: [Int32]] = [:]
    private var lastExpiry: Int64 = 0
    /// The highest item row id this index has considered.
    private(set) var highWater: Int64 = 0
    private var newest: Int64 = 0

    /// Reads items written since the index last looked (by this or any other store instance) and forgets entries
    /// that fell out of the window.
    func catchUp(_ db: Database, now: Int64) throws {
        newest = max(newest, now)
        let statement = try db.cachedStatement(
            sql: "SELECT id, story_id, title, published FROM items WHERE id > ? AND published >= ? ORDER BY id")
        let rows = try Row.fetchCursor(statement, arguments: [highWater, newest - StoryIndex.window])
        while let row = try rows.next() {
            let id: Int64 = row[0]
            if let title: String = row[2] {
                add(Entry(storyID: row[1], time: row[3], title: StoryTitle(title)))
            }
            highWater = max(highWater, id)
        }
        if let maxID = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM items") {
            highWater = max(highWater, maxID)
        }
        if newest - lastExpiry >= 3600 {
            lastExpiry = newest
            let cutoff = newest - StoryIndex.window
            let stale = entries.reduce(0) { $0 + ($1.time < cutoff ? 1 : 0) }
            if stale > 0, stale * 4 >= entries.count { compact() }
        }
    }

    /// The story of the indexed item (or of `extra`) most similar to `title` and dated within the window of `time`.
    func bestStory(for title: StoryTitle, time: Int64, extra: [Entry]) -> Int64? {
        guard title.hashes.count >= StoryTitle.minimumTokens else { return nil }
        var best: (score: Double, storyID: Int64, index: Int)? = nil
        func consider(_ e: Entry, _ index: Int) {
            guard abs(e.time - time) <= StoryIndex.window, title.isSameStory(as: e.title) else { return }
            let score = title.similarity(to: e.title)
            if best == nil || score > best!.score || (score == best!.score && index < best!.index) {
                best = (score, e.storyID, index)
            }
        }
        // Probe only the rarest words: any title similar enough shares at least one of them.
        let lists = title.hashes.compactMap { postings[$0] }
        if !lists.isEmpty {
            // A word no indexed title has counts as an empty (rarest) probe.
            let missing = title.hashes.count - lists.count
            let probes = lists.sorted { $0.count < $1.count }.prefix(max(0, title.probeCount - missing))
            var seen = Set<Int32>()
            for list in probes {
                for i in list where seen.insert(i).inserted {
                    consider(entries[Int(i)], Int(i))
                }
            }
        }
        for (k, e) in extra.enumerated() { consider(e, entries.count + k) }
        return best?.storyID
    }

    /// Adds items of a committed transaction.
    func commit(_ added: [Entry], highWater newHighWater: Int64) {
        for e in added where e.time >= newest - StoryIndex.window { add(e) }
        highWater = max(highWater, newHighWater)
    }

    private func add(_ e: Entry) {
        guard e.title.hashes.count >= StoryTitle.minimumTokens else { return }
        let i = Int32(entries.count)
        entries.append(e)
        for h in e.title.hashes { postings[h, default: []].append(i) }
    }

    private func compact() {
        let cutoff = newest - StoryIndex.window
        let kept = entries.filter { $0.time >= cutoff }
        entries = []
        postings = [:]
        for e in kept { add(e) }
    }
}
