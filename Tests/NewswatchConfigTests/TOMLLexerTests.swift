import Testing

@testable import NewswatchConfig

/// Issue 13: the guard and the key locator skip strings and comments with one lexer (`TOMLLexer`).
@Suite struct TOMLLexerTests {
    /// A multi-line string may end with one or two quotes of its own before its closing `"""`. The guard used to
    /// close it at the first `"""` and read the next quote as a string opening to the end of the line, so the next
    /// line's table header went unchecked, to toml++'s assertion.
    @Test func aMultiLineStringEndingInQuotesLeavesTheNextHeaderChecked() {
        for text in ["a = \"\"\"x\"\"\"\"\n[=]\n", "a = '''x'''''\n[=]\n", "a = \"\"\"x\n\"\"\"\"\"\n[=]\n"] {
            let found = TOMLNestingGuard.problem(in: text)
            #expect(found?.problem == .badTableHeader, "\(text.debugDescription)")
            #expect(found?.line == text.filter { $0 == "\n" }.count, "\(text.debugDescription)")
        }
        #expect(TOMLNestingGuard.problem(in: "a = \"\"\"x\"\"\"\"\n[t]\nb = 1\n") == nil)
    }

    @Test func stringsAndCommentsEndWhereTOMLSaysTheyDo() {
        func end(_ text: String) -> (end: Int, closed: Bool) {
            var text = text
            return text.withUTF8 { b in
                let d = TOMLLexer.delimiter(at: 0, in: b)!
                return TOMLLexer.endOfString(b, from: d.count, d)
            }
        }
        #expect(end("\"a\\\"b\" rest") == (6, true))
        #expect(end("'a\\'b") == (4, true))
        #expect(end("\"open\nnext") == (5, false))
        #expect(end("\"\"\"a\n\"b\"\"\"\"\" rest") == (12, true))
        #expect(end("'''a\n'''") == (8, true))
        #expect(end("\"\"\"never closed\n") == (16, false))
        var comment = "# note \"x\n[t]"
        #expect(comment.withUTF8 { TOMLLexer.endOfComment($0, from: 0) } == 9)
    }
}
