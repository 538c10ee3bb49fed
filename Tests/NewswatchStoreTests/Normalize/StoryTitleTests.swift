import Testing

@testable import NewswatchStore

/// These cases set the title-similarity threshold (7/10 Jaccard over normalised, stemmed content words, a shared
/// number where both titles carry numbers). Each comment gives the pair's similarity.
@Suite struct StoryTitleTests {
    @Test func normalisesCaseDiacriticsAndPunctuation() {
        #expect(StoryTitle.normalizedText("U.S.–Israel talks: «Résumé» of Netanyahu's visit!") ==
            "us israel talks resume of netanyahus visit")
        #expect(StoryTitle.normalizedText("Gaza: 12 killed — officials") == "gaza 12 killed officials")
        #expect(StoryTitle.normalizedText("  ") == "")
        #expect(StoryTitle.words(of: "Israel's strikes") == StoryTitle.words(of: "israel strike"))
        #expect(StoryTitle.words(of: "Israel's strikes") == ["israel", "strike"])
    }

    /// Wire copy re-headlined by different outlets joins.
    @Test(arguments: [
        // 7/8 = 0.88: one outlet drops the attribution verb.
        ("Israeli strike kills 12 in Rafah, health officials say", "Israeli strike kills 12 in Rafah – health officials"),
        // 7/8 = 0.88: an extra day word.
        ("UN Security Council to vote on Gaza ceasefire resolution",
         "U.N. Security Council to vote Friday on Gaza ceasefire resolution"),
        // 6/7 = 0.86: word order and tense differ.
        ("Hostage deal reached between Israel and Hamas, Qatar says",
         "Israel and Hamas reach hostage deal, Qatar announces"),
        // 5/6 = 0.83: one preposition swapped for a content word.
        ("Biden warns Netanyahu over Rafah offensive", "Biden warns Netanyahu against Rafah offensive"),
        // 5/7 = 0.71: "at least" added, attribution added.
        ("Israeli strike kills 12 in Rafah, officials say", "Israeli strike kills at least 12 in Rafah"),
        // identical after folding case and accents
        ("ÉLYSÉE condemns strike on Gaza aid convoy", "Elysee condemns strike on Gaza aid convoy"),
    ])
    func wireStoryAcrossOutletsJoins(a: String, b: String) {
        #expect(StoryTitle(a).isSameStory(as: StoryTitle(b)), "\(StoryTitle(a).similarity(to: StoryTitle(b)))")
    }

    /// Different events told with the same words stay apart.
    @Test(arguments: [
        // 3/8 = 0.38 and different numbers.
        ("Israeli strike kills 12 in Rafah", "Israeli strike kills 30 in Khan Younis"),
        // 4/6 = 0.67: same numbers, different place.
        ("Israeli strike kills 12 in Rafah", "Israeli strike kills 12 in Jenin"),
        // 5/7 = 0.71 in words, but the death tolls differ: a later, different report.
        ("Israeli strike on Rafah school kills 12", "Israeli strike on Rafah school kills 15"),
        // same topic, different news
        ("US sends aircraft carrier to eastern Mediterranean", "US sends aid ship to Gaza"),
        ("Netanyahu meets Biden at White House", "Netanyahu meets Blinken in Jerusalem"),
        // too short to judge by title
        ("Gaza latest", "Gaza latest"),
        ("Live updates", "Live updates"),
    ])
    func differentStoriesStayApart(a: String, b: String) {
        #expect(!StoryTitle(a).isSameStory(as: StoryTitle(b)), "\(StoryTitle(a).similarity(to: StoryTitle(b)))")
    }

    @Test func similarityValuesBehindTheThreshold() {
        func sim(_ a: String, _ b: String) -> Double { StoryTitle(a).similarity(to: StoryTitle(b)) }
        #expect(abs(sim("Israeli strike kills 12 in Rafah", "Israeli strike kills 30 in Khan Younis") - 3.0 / 8) < 1e-9)
        #expect(abs(sim("Israeli strike kills 12 in Rafah", "Israeli strike kills 12 in Jenin") - 4.0 / 6) < 1e-9)
        #expect(abs(sim("Hostage deal reached between Israel and Hamas, Qatar says",
                        "Israel and Hamas reach hostage deal, Qatar announces") - 6.0 / 7) < 1e-9)
    }

    /// Prefix filtering must never miss a pair at or above the threshold, whatever the word order.
    @Test func probeCountGuaranteesRecall() {
        for n in 3...20 {
            let t = StoryTitle((0..<n).map { "w\($0)x" }.joined(separator: " "))
            #expect(t.hashes.count == n)
            // the smallest intersection a joining pair can have with this title
            let needed = (n * StoryTitle.thresholdNumerator + StoryTitle.thresholdDenominator - 1)
                / StoryTitle.thresholdDenominator
            #expect(t.probeCount + needed == n + 1)
        }
    }
}
