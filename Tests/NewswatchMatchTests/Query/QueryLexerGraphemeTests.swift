import NewswatchMatch
import Testing

/// Delimiters followed by a combining mark: Swift joins them into one Character with the mark.
@Suite struct QueryLexerGraphemeTests {
    @Test func aPhraseStartingWithACombiningMarkPrintsAsTextThatParsesBack() throws {
        // The input libFuzzer found (minimised): a phrase of a line break, U+07EC (a combining mark) and R.
        let query = try QueryParser.parse("\"\n\u{7EC}R\"")
        let again = try QueryParser.parse(query.canonical)
        #expect(again == query)
        #expect(query.canonical == "\"\u{7EC}R\"")
    }

    @Test func parenthesesAndQuotesBeforeACombiningMarkStillCount() throws {
        let grouped = try QueryParser.parse("(\u{301}gaza OR rafah) ceasefire")
        #expect(grouped.canonical == "(\u{301}gaza OR rafah) AND ceasefire")
        let phrase = try QueryParser.parse("\"\u{301}Khan Younis\" aid")
        #expect(phrase.canonical == "\"\u{301}Khan Younis\" AND aid")
    }

    @Test func aCRLFLineBreakIsStillOneLine() {
        // "\r\n" is one Character whose first scalar is white space; it must stay one line for error positions.
        let error = #expect(throws: QueryError.self) { try QueryParser.parse("gaza\r\n)") }
        #expect(error?.line == 2)
        #expect(error?.column == 1)
    }
}
