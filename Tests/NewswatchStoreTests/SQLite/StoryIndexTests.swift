import Testing

@testable import NewswatchStore

/// The story index keeps every entry's word and number hashes in one shared array (issue 18): each entry must be
/// compared with its own words after commits and after old entries are dropped and the array is packed again.
@Suite struct StoryIndexTests {
    /// A headline of its own per `n` (five distinct words), with a number when `n` is odd.
    static func headline(_ n: Int) -> String {
        let letters = String(n, radix: 26).map { c -> Character in
            let v = Int(String(c), radix: 26)!
            return Character(Unicode.Scalar(UInt8(97 + v)))
        }
        let tag = String(letters)
        let words = "zq\(tag)alpha zq\(tag)bravo zq\(tag)charlie zq\(tag)delta zq\(tag)echo"
        return n % 2 == 1 ? words + " \(1000 + n)" : words
    }

    static func entry(_ n: Int, time: Int64) -> StoryIndex.Entry {
        StoryIndex.Entry(storyID: Int64(n), time: time, title: StoryTitle(headline(n)))
    }

    @Test func everyCommittedEntryIsFoundByItsOwnHeadline() {
        let index = StoryIndex()
        for batch in 0..<4 {
            for n in (batch * 25)..<(batch * 25 + 25) { index.addPending(Self.entry(n, time: 0)) }
            index.commitPending(highWater: Int64(batch))
        }
        #expect(index.entries.count == 100)
        for n in 0..<100 {
            #expect(index.bestStory(for: StoryTitle(Self.headline(n)), time: 0) == Int64(n), "headline \(n)")
        }
    }

    @Test func droppingOldEntriesKeepsTheOthersFoundByTheirOwnHeadlines() {
        let index = StoryIndex()
        // Old and new interleaved, so the packed array moves every kept entry's words.
        for n in 0..<40 { index.addPending(Self.entry(n, time: n % 2 == 0 ? 0 : 10_000)) }
        index.commitPending(highWater: 1)
        index.dropEntries(before: 5_000)
        #expect(index.entries.count == 20)
        #expect(index.entries.allSatisfy { $0.time == 10_000 })
        for n in 0..<40 {
            let found = index.bestStory(for: StoryTitle(Self.headline(n)), time: 10_000)
            #expect(found == (n % 2 == 0 ? nil : Int64(n)), "headline \(n)")
        }
        // New entries after the packing land after the kept ones' words.
        index.addPending(Self.entry(100, time: 10_000))
        index.commitPending(highWater: 2)
        #expect(index.bestStory(for: StoryTitle(Self.headline(100)), time: 10_000) == 100)
        #expect(index.bestStory(for: StoryTitle(Self.headline(39)), time: 10_000) == 39)
    }

    @Test func fewOldEntriesAreKeptUntilTheyAreAQuarter() {
        let index = StoryIndex()
        for n in 0..<8 { index.addPending(Self.entry(n, time: n == 0 ? 0 : 10_000)) }
        index.commitPending(highWater: 1)
        index.dropEntries(before: 5_000)
        #expect(index.entries.count == 8)  // 1 of 8 is old: not worth a rebuild yet
        index.addPending(Self.entry(8, time: 0))
        index.commitPending(highWater: 2)
        index.dropEntries(before: 5_000)
        #expect(index.entries.count == 9)  // 2 of 9
        index.addPending(Self.entry(9, time: 0))
        index.commitPending(highWater: 3)
        index.dropEntries(before: 5_000)
        #expect(index.entries.map(\.storyID) == [1, 2, 3, 4, 5, 6, 7])  // 3 of 10: dropped
        #expect(index.bestStory(for: StoryTitle(Self.headline(7)), time: 10_000) == 7)
    }

    @Test func aPendingEntryOutsideTheWindowLeavesTheNextOneIntact() {
        let index = StoryIndex()
        index.addPending(Self.entry(1, time: -StoryIndex.window - 1_000))
        index.addPending(Self.entry(2, time: 0))
        index.addPending(Self.entry(3, time: 0))
        index.commitPending(highWater: 1)
        #expect(index.entries.map(\.storyID) == [2, 3])
        #expect(index.bestStory(for: StoryTitle(Self.headline(2)), time: 0) == 2)
        #expect(index.bestStory(for: StoryTitle(Self.headline(3)), time: 0) == 3)
    }

    @Test func numbersAreReadFromTheEntrysOwnHashes() {
        let index = StoryIndex()
        // Entries before it put its hashes at an offset.
        for n in 0..<5 { index.addPending(Self.entry(n, time: 0)) }
        let twelve = "Israeli strike kills 12 in Rafah southern Gaza city hospital"
        index.addPending(StoryIndex.Entry(storyID: 77, time: 0, title: StoryTitle(twelve)))
        index.commitPending(highWater: 1)
        // Same words, another number: another event.
        let thirteen = "Israeli strike kills 13 in Rafah southern Gaza city hospital"
        #expect(StoryTitle(thirteen).similarity(to: StoryTitle(twelve)) >= 0.7)
        #expect(index.bestStory(for: StoryTitle(thirteen), time: 0) == nil)
        // Same number, one word more: the same story.
        let again = "Israeli strike kills 12 in Rafah southern Gaza city hospital, officials"
        #expect(index.bestStory(for: StoryTitle(again), time: 0) == 77)
    }

    @Test func aRolledBackIngestLeavesNoWordsBehind() {
        let index = StoryIndex()
        index.addPending(Self.entry(1, time: 0))
        index.commitPending(highWater: 1)
        index.addPending(Self.entry(2, time: 0))
        index.discardPending()
        index.addPending(Self.entry(3, time: 0))
        index.commitPending(highWater: 2)
        #expect(index.entries.map(\.storyID) == [1, 3])
        #expect(index.bestStory(for: StoryTitle(Self.headline(2)), time: 0) == nil)
        #expect(index.bestStory(for: StoryTitle(Self.headline(3)), time: 0) == 3)
    }
}
