import Testing

@testable import NewswatchMatch

@Suite struct TextNormalizerTests {
    private func norm(_ s: String) -> String { TextNormalizer.normalize(s) }

    @Test func foldsCase() {
        #expect(norm("GAZA Strip") == "gaza strip")
    }

    @Test func removesDiacritics() {
        #expect(norm("Nétanyahu") == norm("Netanyahu"))
        #expect(norm("São Paulo Zürich Kraków") == "sao paulo zurich krakow")
        // Decomposed input (e + combining acute) folds like precomposed.
        #expect(norm("Ne\u{0301}tanyahu") == "netanyahu")
    }

    @Test func appliesCompatibilityForms() {
        #expect(norm("ＧＡＺＡ") == "gaza")
        #expect(norm("ﬁnal") == "final")
        #expect(norm("Straße") == "strasse")
    }

    @Test func everyDashAndSlashBreaksWords() {
        #expect(norm("US-Israel") == "us israel")
        #expect(norm("U.S.–Israel") == "us israel")
        #expect(norm("U.S.—Israel") == "us israel")
        #expect(norm("Israel/Gaza") == "israel gaza")
        #expect(norm("Israel‐Gaza") == "israel gaza")  // U+2010 hyphen
    }

    @Test func dropsPossessiveS() {
        #expect(norm("Israel's") == "israel")
        #expect(norm("Israel’s army") == "israel army")
        #expect(norm("ISRAEL'S") == "israel")
        #expect(norm("Hamas’") == "hamas")
    }

    @Test func otherApostrophesSeparate() {
        #expect(norm("l'Israël") == "l israel")
        #expect(norm("don’t") == "don t")
        #expect(norm("'Gaza'") == "gaza")
    }

    @Test func unifiesDottedAcronyms() {
        #expect(norm("U.S.") == "us")
        #expect(norm("U.S") == "us")
        #expect(norm("U.N. envoy") == "un envoy")
        #expect(norm("U.S.A.") == "usa")
        // A sentence end or an initial before a name is not an acronym.
        #expect(norm("in Washington.The") == "in washington the")
        #expect(norm("J.Smith") == "j smith")
    }

    @Test func recordsWrittenShape() {
        let words = TextNormalizer.words("US U.S. us Us u.s. GAZA")
        #expect(words.map(\.isAcronymForm) == [true, true, false, false, true, true])
        #expect(words.map(\.text) == ["us", "us", "us", "us", "us", "gaza"])
        #expect(TextNormalizer.words("US")[0].isAcronymTerm)
        #expect(TextNormalizer.words("U.S.")[0].isAcronymTerm)
        #expect(!TextNormalizer.words("Gaza")[0].isAcronymTerm)
        #expect(!TextNormalizer.words("us")[0].isAcronymTerm)
        #expect(!TextNormalizer.words("A")[0].isAcronymTerm)
    }

    @Test func nonLatinScriptsAreWords() {
        #expect(norm("غزة") == "غزة")
        #expect(norm("قصف على غزة.") == "قصف على غزة")
        #expect(norm("עזה") == "עזה")
        // Hebrew niqqud and Arabic harakat and tatweel are dropped.
        #expect(norm("עַזָּה") == "עזה")
        #expect(norm("غَزّة") == "غزة")
        #expect(norm("غــزة") == "غزة")
        #expect(norm("Γάζα") == norm("ΓΑΖΑ"))
    }

    @Test func ignoresInvisibleFormatCharacters() {
        #expect(norm("Netan\u{00AD}yahu") == "netanyahu")
        #expect(norm("\u{FEFF}Gaza") == "gaza")
    }

    @Test func separatesOnPunctuationAndQuotes() {
        #expect(norm("“Gaza”, (Rafah); Khan-Younis!") == "gaza rafah khan younis")
        #expect(norm("  ") == "")
        #expect(norm("") == "")
    }

    @Test func slowAndFastPathsAgree() {
        // Same word, once with a letter the Latin table folds, once with one that needs Foundation.
        #expect(norm("Ġaza") == "gaza")
        #expect(norm("Ǵaza") == "gaza")
        #expect(norm("½") == "1 2")
    }
}
