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

    /// The scanner reads runs of ASCII letters and digits eight bytes at a time: words of every length, at every
    /// offset from the start, in every case mix, next to digits and to non-ASCII letters and separators, against
    /// a plain per-character reading.
    @Test func wordRunsOfEveryLengthAndOffsetAgreeWithAPlainReading() {
        let pieces: [String] = [
            "a", "Z", "0", "7", "é", "É", " ", "-", ",", "\u{201C}", "\u{2014}", "q", "Q", "x9", "GAZA", "Netanyahu",
            "ceasefire", "CEASEFIRE", "Ceasefire2024", "abcdefghijklmnopq", "ABCDEFGHIJKLMNOPQ",
        ]
        var state: UInt64 = 0x5EED
        func random(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        for _ in 0..<3000 {
            var text = ""
            for _ in 0..<(1 + random(12)) { text += pieces[random(pieces.count)] }
            // The plain reading: letters and digits form words ("é" folds to "e"); the rest separates.
            var expected: [TextNormalizer.Word] = []
            var current = ""
            var upper = false
            var lower = false
            func flush() {
                if !current.isEmpty { expected.append(.init(text: current, isAllCaps: upper && !lower)) }
                current = ""
                upper = false
                lower = false
            }
            for c in text {
                if c == "é" || c == "É" {
                    current += "e"
                    if c == "É" { upper = true } else { lower = true }
                } else if c.isASCII, c.isLetter || c.isNumber {
                    current += c.lowercased()
                    if c.isUppercase { upper = true }
                    if c.isLowercase { lower = true }
                } else {
                    flush()
                }
            }
            flush()
            #expect(TextNormalizer.words(text) == expected, "\(text)")
        }
    }

    @Test func slowAndFastPathsAgree() {
        // Same word, once with a letter the Latin table folds, once with one that needs Foundation.
        #expect(norm("Ġaza") == "gaza")
        #expect(norm("Ǵaza") == "gaza")
        #expect(norm("½") == "1 2")
        // Letters that fold to another non-ASCII letter (`Ø` → `ø`, `Ł` → `ł`) are folded inline, letter by letter:
        // the same as the Foundation fold of the whole text.
        for text in ["BJØRN Łódź", "Søren Kierkegaard", "ÆØÅ æøå", "Đorđe Ħal", "þórður"] {
            #expect(norm(text) == WordScanner.foldSlow(text), "\(text)")
        }
        #expect(TextNormalizer.words("BJØRN")[0].isAllCaps)
        #expect(!TextNormalizer.words("Bjørn")[0].isAllCaps)
        // Dashes, quotes and guillemets separate words.
        #expect(norm("Gaza\u{2014}Rafah «truce» “talks”…done") == "gaza rafah truce talks done")
    }
}
