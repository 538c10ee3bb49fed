import Foundation
import GRDB

/// An in-memory inverted index of recent items' title words, to find the story a new item joins by title.
///
/// The database is the truth: the index is rebuilt from it lazily (every item with a row id above `highWater`
/// is read before an ingest), so another store instance writing the same file, or a restart, only costs a catch-up
/// query. It holds items dated within `window` of the latest ingest time; older entries are dropped by
/// compaction. Titles of older items (backfill from weeks ago) are not indexed: they can still join by link.
///
/// The items of the running ingest are indexed the same way (`addPending`) and join the committed entries on
/// `commitPending`: a batch's items find each other through the index, never by comparing every pair (issue 19:
/// 50,000 new items made one poll's transaction quadratic). Each lookup compares at most `maximumCandidates` titles,
/// so even a flood of near-identical headlines costs linear time.
///
/// - Important: Not thread-safe. Owner: GRDB's writer; touched only inside `ingest`'s transactions (and their
///   commit and rollback callbacks), which the writer runs one at a time.
final class StoryIndex: @unchecked Sendable {
    struct Entry {
        var storyID: Int64
        /// The item's date (published, or first seen when undated), in store seconds.
        var time: Int64
        var title: StoryTitle
    }

    /// Items whose dates are this far apart never join by title.
    static let window: Int64 = 48 * 3600
    /// The most indexed titles one lookup compares. Real headlines reach it only when thousands of items within
    /// the window share every rare word of a title; then the newest are compared.
    static let maximumCandidates = 1000

    private(set) var entries: [Entry] = []
    private var postings: [UInt64: [Int32]] = [:]
    /// The running ingest's entries, numbered after `entries` (`entries.count + i`).
    private var pending: [Entry] = []
    private var pendingPostings: [UInt64: [Int32]] = [:]
    private var lastExpiry: Int64 = 0
    private var marks: [UInt32] = []
    private var generation: UInt32 = 0
    /// The highest item row id this index has considered.
    private(set) var highWater: Int64 = 0
    private var newest: Int64 = 0
    /// Titles compared with a looked-up title so far: tests prove the ingest linear with it, without timing.
    private(set) var comparisons = 0

    /// Reads items written since the index last looked (by this or any other store instance) and forgets entries
    /// that fell out of the window, and the entries of an ingest that never committed.
    func catchUp(_ db: Database, now: Int64) throws {
        discardPending()
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
        if let maxID = try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(id) FROM items")) {
            highWater = max(highWater, maxID)
        }
        if newest - lastExpiry >= 3600 {
            lastExpiry = newest
            let cutoff = newest - StoryIndex.window
            let stale = entries.reduce(0) { $0 + ($1.time < cutoff ? 1 : 0) }
            if stale > 0, stale * 4 >= entries.count { compact() }
        }
    }

    /// The story of the indexed item (committed or pending) most similar to `title` and dated within the window of
    /// `time`; ties go to the earliest indexed.
    func bestStory(for title: StoryTitle, time: Int64) -> Int64? {
        guard title.hashes.count >= StoryTitle.minimumTokens else { return nil }
        var best: (score: Double, storyID: Int64, index: Int)? = nil
        // Jaccard ≥ t needs t·|A| ≤ |B| ≤ |A|/t: a cheap test before intersecting.
        let n = title.hashes.count
        let minCount =
            (n * StoryTitle.thresholdNumerator + StoryTitle.thresholdDenominator - 1)
            / StoryTitle.thresholdDenominator
        let maxCount = n * StoryTitle.thresholdDenominator / StoryTitle.thresholdNumerator
        func consider(_ e: Entry, _ index: Int) {
            comparisons += 1
            let m = e.title.hashes.count
            guard m >= minCount, m <= maxCount, abs(e.time - time) <= StoryIndex.window,
                title.isSameStory(as: e.title)
            else { return }
            let score = title.similarity(to: e.title)
            if best == nil || score > best!.score || (score == best!.score && index < best!.index) {
                best = (score, e.storyID, index)
            }
        }
        // Probe only the rarest words: any title similar enough shares at least one of them (whichever they are).
        let lists = title.hashes.compactMap { h -> (committed: [Int32], pending: [Int32])? in
            let committed = postings[h] ?? []
            let pending = pendingPostings[h] ?? []
            return committed.isEmpty && pending.isEmpty ? nil : (committed, pending)
        }
        guard !lists.isEmpty else { return nil }
        // A word no indexed title has counts as an empty (rarest) probe.
        let missing = title.hashes.count - lists.count
        let probes = lists.sorted { $0.committed.count + $0.pending.count < $1.committed.count + $1.pending.count }
            .prefix(max(0, title.probeCount - missing))
        // Generation marks instead of a Set: every probe of every item would otherwise hash each candidate.
        generation &+= 1
        if generation == 0 {
            marks = []
            generation = 1
        }
        let total = entries.count + pending.count
        if marks.count < total { marks.append(contentsOf: repeatElement(0, count: total - marks.count)) }
        var budget = StoryIndex.maximumCandidates
        // Newest first (pending, then committed, each from its end), so a capped lookup compares the most recent.
        func visit(_ list: [Int32]) -> Bool {
            for raw in list.reversed() {
                let i = Int(raw)
                guard marks[i] != generation else { continue }
                guard budget > 0 else { return false }
                budget -= 1
                marks[i] = generation
                consider(i < entries.count ? entries[i] : pending[i - entries.count], i)
            }
            return true
        }
        for list in probes {
            guard visit(list.pending), visit(list.committed) else { break }
        }
        return best?.storyID
    }

    /// Indexes an item of the running ingest, so later items of the same batch can join its story.
    func addPending(_ e: Entry) {
        guard e.title.hashes.count >= StoryTitle.minimumTokens else { return }
        let i = Int32(entries.count + pending.count)
        pending.append(e)
        for h in e.title.hashes { pendingPostings[h, default: []].append(i) }
    }

    /// Makes the running ingest's entries permanent once its transaction committed.
    func commitPending(highWater newHighWater: Int64) {
        let added = pending
        discardPending()
        for e in added where e.time >= newest - StoryIndex.window { add(e) }
        highWater = max(highWater, newHighWater)
    }

    /// Forgets the running ingest's entries (its transaction rolled back: it must leave no trace).
    func discardPending() {
        pending = []
        pendingPostings = [:]
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
        marks = []
        for e in kept { add(e) }
    }
}
