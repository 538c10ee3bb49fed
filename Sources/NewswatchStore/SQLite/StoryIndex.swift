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
/// Memory (issue 18): every entry's word hashes live in shared 64-KiB chunks (`HashChunks`), and an entry is 24 bytes
/// pointing into them, where an array of its own per entry cost a ~50-byte allocation besides the hashes (two where
/// the title has numbers). A desk's index holds ~80,000 entries (2,000 feeds × ~20 items a day × two days).
///
/// - Important: Not thread-safe. Owner: GRDB's writer; touched only inside `ingest`'s transactions (and their
///   commit and rollback callbacks), which the writer runs one at a time.
final class StoryIndex: @unchecked Sendable {
    /// An item to index: its story, its date and its title's words.
    struct Entry {
        var storyID: Int64
        /// The item's date (published, or first seen when undated), in store seconds.
        var time: Int64
        var title: StoryTitle
    }

    /// An indexed item: its title's `wordCount` word hashes followed by its `numberCount` number hashes, at `start`
    /// in `words` (in `pendingWords` while its ingest runs).
    struct Indexed {
        var storyID: Int64
        var time: Int64
        var start: UInt32
        var wordCount: UInt16
        var numberCount: UInt16
    }

    /// Items whose dates are this far apart never join by title.
    static let window: Int64 = 48 * 3600
    /// The most indexed titles one lookup compares. Real headlines reach it only when thousands of items within
    /// the window share every rare word of a title; then the newest are compared.
    static let maximumCandidates = 1000

    private(set) var entries: [Indexed] = []
    /// The committed entries' hashes.
    private var words = HashChunks()
    private var postings: [UInt64: [Int32]] = [:]
    /// The running ingest's entries, numbered after `entries` (`entries.count + i`), and their hashes.
    private var pending: [Indexed] = []
    private var pendingWords: [UInt64] = []
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
            dropEntries(before: newest - StoryIndex.window)
        }
    }

    /// Forgets the committed entries dated before `cutoff`, when they are at least a quarter of the index (so the
    /// rebuild, linear in the index, runs rarely).
    func dropEntries(before cutoff: Int64) {
        let stale = entries.reduce(0) { $0 + ($1.time < cutoff ? 1 : 0) }
        guard stale > 0, stale * 4 >= entries.count else { return }
        let kept = entries.filter { $0.time >= cutoff }
        let keptWords = words
        entries = []
        words = HashChunks()
        postings = [:]
        marks = []
        for e in kept { append(e, keptWords.run(at: e.start, count: Int(e.wordCount) + Int(e.numberCount))) }
    }

    /// The story of the indexed item (committed or pending) most similar to `title` and dated within the window of
    /// `time`; ties go to the earliest indexed.
    func bestStory(for title: StoryTitle, time: Int64) -> Int64? {
        guard title.hashes.count >= StoryTitle.minimumTokens else { return nil }
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
        return title.hashes.withUnsafeBufferPointer { titleWords in
            title.numberHashes.withUnsafeBufferPointer { titleNumbers in
                pendingWords.withUnsafeBufferPointer { pendingWords in
                    var candidates = Candidates(title: titleWords, numbers: titleNumbers, time: time)
                    var budget = StoryIndex.maximumCandidates
                    // Newest first (pending, then committed, each from its end), so a capped lookup compares the
                    // most recent.
                    func visit(_ list: [Int32]) -> Bool {
                        for raw in list.reversed() {
                            let i = Int(raw)
                            guard marks[i] != generation else { continue }
                            guard budget > 0 else { return false }
                            budget -= 1
                            marks[i] = generation
                            if i < entries.count {
                                let e = entries[i]
                                candidates.consider(e, index: i) { words.run(at: e.start, count: $0) }
                            } else {
                                let e = pending[i - entries.count]
                                candidates.consider(e, index: i) {
                                    UnsafeBufferPointer(rebasing: pendingWords[Int(e.start)..<Int(e.start) + $0])
                                }
                            }
                        }
                        return true
                    }
                    for list in probes {
                        guard visit(list.pending), visit(list.committed) else { break }
                    }
                    comparisons += candidates.compared
                    return candidates.best?.storyID
                }
            }
        }
    }

    /// One lookup's comparisons: the looked-up title against each candidate, keeping the best.
    private struct Candidates {
        let title: UnsafeBufferPointer<UInt64>
        let numbers: UnsafeBufferPointer<UInt64>
        let time: Int64
        /// Jaccard ≥ t needs t·|A| ≤ |B| ≤ |A|/t: a cheap test before intersecting.
        let minCount: Int
        let maxCount: Int
        var best: (score: Double, storyID: Int64, index: Int)? = nil
        var compared = 0

        init(title: UnsafeBufferPointer<UInt64>, numbers: UnsafeBufferPointer<UInt64>, time: Int64) {
            (self.title, self.numbers, self.time) = (title, numbers, time)
            let n = title.count
            minCount =
                (n * StoryTitle.thresholdNumerator + StoryTitle.thresholdDenominator - 1)
                / StoryTitle.thresholdDenominator
            maxCount = n * StoryTitle.thresholdDenominator / StoryTitle.thresholdNumerator
        }

        /// Compares the candidate `e`, whose first `count` hashes `hashes(count)` returns.
        mutating func consider(
            _ e: Indexed, index: Int, hashes: (Int) -> UnsafeBufferPointer<UInt64>
        ) {
            compared += 1
            let m = Int(e.wordCount)
            guard m >= minCount, m <= maxCount, abs(e.time - time) <= StoryIndex.window else { return }
            let both = hashes(m + Int(e.numberCount))
            let words = UnsafeBufferPointer(rebasing: both[0..<m])
            let numbers = UnsafeBufferPointer(rebasing: both[m...])
            guard StoryTitle.isSameStory(title, numbers: self.numbers, words, numbers: numbers) else { return }
            let score = StoryTitle.similarity(title, words)
            if best == nil || score > best!.score || (score == best!.score && index < best!.index) {
                best = (score, e.storyID, index)
            }
        }
    }

    /// Indexes an item of the running ingest, so later items of the same batch can join its story.
    func addPending(_ e: Entry) {
        guard var indexed = StoryIndex.indexed(e) else { return }
        indexed.start = UInt32(pendingWords.count)
        let i = Int32(entries.count + pending.count)
        pending.append(indexed)
        pendingWords.append(contentsOf: e.title.hashes)
        pendingWords.append(contentsOf: e.title.numberHashes)
        for h in e.title.hashes { pendingPostings[h, default: []].append(i) }
    }

    /// Makes the running ingest's entries permanent once its transaction committed.
    func commitPending(highWater newHighWater: Int64) {
        let added = pending
        let addedWords = pendingWords
        discardPending()
        addedWords.withUnsafeBufferPointer { pool in
            for e in added where e.time >= newest - StoryIndex.window {
                let start = Int(e.start)
                append(e, UnsafeBufferPointer(rebasing: pool[start..<start + Int(e.wordCount) + Int(e.numberCount)]))
            }
        }
        highWater = max(highWater, newHighWater)
    }

    /// Forgets the running ingest's entries (its transaction rolled back: it must leave no trace).
    func discardPending() {
        pending = []
        pendingWords = []
        pendingPostings = [:]
    }

    /// The entry for `e` (its `start` for the caller to set), or nil when its title cannot join a story by title:
    /// too few words, or more hashes than a chunk holds (8,192: no headline, only hostile input).
    private static func indexed(_ e: Entry) -> Indexed? {
        let title = e.title
        guard title.hashes.count >= StoryTitle.minimumTokens,
            title.hashes.count + title.numberHashes.count <= HashChunks.chunkSize
        else { return nil }
        return Indexed(
            storyID: e.storyID, time: e.time, start: 0,
            wordCount: UInt16(title.hashes.count), numberCount: UInt16(title.numberHashes.count))
    }

    private func add(_ e: Entry) {
        guard let indexed = StoryIndex.indexed(e) else { return }
        e.title.hashes.withUnsafeBufferPointer { words in
            e.title.numberHashes.withUnsafeBufferPointer { numbers in append(indexed, words, numbers) }
        }
    }

    /// Adds `e` as a committed entry, its hashes copied from `hashes` (and `more`).
    private func append(
        _ e: Indexed, _ hashes: UnsafeBufferPointer<UInt64>,
        _ more: UnsafeBufferPointer<UInt64> = UnsafeBufferPointer(start: nil, count: 0)
    ) {
        guard let start = words.append(hashes, more) else { return }
        var moved = e
        moved.start = start
        let i = Int32(entries.count)
        entries.append(moved)
        for h in hashes.prefix(Int(e.wordCount)) { postings[h, default: []].append(i) }
    }
}

/// Hashes in fixed chunks of 8,192 (64 KiB), each entry's run inside one chunk: one array growing by doubling held
/// up to twice what it used (measured at 82,567 entries: capacity for 1,049,082 hashes, 560,729 used).
///
/// A pointer from `run(at:count:)` stays valid while this object lives: chunks are never moved or freed before.
final class HashChunks {
    static let shift = 13
    static let chunkSize = 1 << shift
    private var chunks: [UnsafeMutablePointer<UInt64>] = []
    /// Hashes in the last chunk.
    private var used = HashChunks.chunkSize

    deinit { for chunk in chunks { chunk.deallocate() } }

    /// Stores `a` followed by `b` and returns where they start; nil when they are longer than a chunk or the
    /// positions ran out (2³² hashes).
    func append(_ a: UnsafeBufferPointer<UInt64>, _ b: UnsafeBufferPointer<UInt64>) -> UInt32? {
        let n = a.count + b.count
        guard n <= HashChunks.chunkSize else { return nil }
        if used + n > HashChunks.chunkSize {
            guard chunks.count < 1 << (32 - HashChunks.shift) else { return nil }
            chunks.append(UnsafeMutablePointer<UInt64>.allocate(capacity: HashChunks.chunkSize))
            used = 0
        }
        let base = chunks[chunks.count - 1] + used
        if let p = a.baseAddress { base.initialize(from: p, count: a.count) }
        if let p = b.baseAddress { (base + a.count).initialize(from: p, count: b.count) }
        let start = UInt32((chunks.count - 1) << HashChunks.shift | used)
        used += n
        return start
    }

    /// The `count` hashes stored at `start`.
    func run(at start: UInt32, count: Int) -> UnsafeBufferPointer<UInt64> {
        let s = Int(start)
        let chunk = chunks[s >> HashChunks.shift]
        return UnsafeBufferPointer(start: chunk + (s & (HashChunks.chunkSize - 1)), count: count)
    }
}
