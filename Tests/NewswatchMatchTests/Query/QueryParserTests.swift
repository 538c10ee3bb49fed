import Testing

@testable import NewswatchMatch

@Suite struct QueryParserTests {
    private func canonical(_ q: String) throws -> String { try QueryText.canonical(q) }

    private func error(_ q: String) -> QueryError? { QueryText.error(q) }

    @Test func juxtapositionIsAnd() throws {
        #expect(try canonical("Gaza ceasefire") == "Gaza AND ceasefire")
        #expect(try QueryParser.parse("a b") == QueryParser.parse("a AND b"))
    }

    @Test func precedenceNearNotAndOr() throws {
        #expect(try canonical("a b OR c") == "a AND b OR c")
        #expect(try canonical("a OR b c") == "a OR b AND c")
        #expect(try canonical("(a OR b) c") == "(a OR b) AND c")
        #expect(try canonical("NOT a b") == "NOT a AND b")
        #expect(try canonical("NOT a NEAR/3 b") == "NOT a NEAR/3 b")
        let q = try QueryParser.parse("NOT a NEAR/3 b")
        guard case .not(.near) = q.root else {
            Issue.record("NOT should apply to the whole NEAR: \(q.root)")
            return
        }
        #expect(try canonical("NOT (a OR b)") == "NOT (a OR b)")
    }

    @Test func minusIsNotAtTheStartOfATerm() throws {
        #expect(try canonical("Gaza -football") == "Gaza AND NOT football")
        #expect(try canonical("-\"Gaza Strip\" x") == "NOT \"Gaza Strip\" AND x")
        #expect(try canonical("-(a OR b)") == "NOT (a OR b)")
        // Inside a term a dash joins words into a phrase.
        let q = try QueryParser.parse("US-Israel")
        guard case .term(let term) = q.root else {
            Issue.record("expected a term")
            return
        }
        #expect(term.words.map(\.text) == ["us", "israel"])
    }

    @Test func nestingFlattensSameOperators() throws {
        #expect(try canonical("a AND (b AND c)") == "a AND b AND c")
        #expect(try canonical("((a OR (b OR c)))") == "a OR b OR c")
        #expect(try canonical("a AND (b OR (c AND d))") == "a AND (b OR c AND d)")
    }

    @Test func phrasesPrefixesAndFields() throws {
        #expect(try canonical("\"Gaza   Strip\"") == "\"Gaza Strip\"")
        #expect(try canonical("Israeli*") == "Israeli*")
        #expect(try canonical("title:Gaza summary:\"Gaza Strip\"") == "title:Gaza AND summary:\"Gaza Strip\"")
        #expect(try canonical("title:(a OR b)") == "title:(a OR b)")
        #expect(try canonical("feed:BBC category:sport*") == "feed:BBC AND category:sport*")
        #expect(try canonical("Title:x") == "title:x")
        #expect(
            try canonical("(US OR \"White House\") NEAR/15 (Israel OR Israeli*)")
                == "(US OR \"White House\") NEAR/15 (Israel OR Israeli*)")
        #expect(try canonical("title:Gaza NEAR/2 title:Rafah") == "title:Gaza NEAR/2 title:Rafah")
        // A colon not after a bare field name is part of the term.
        #expect(try canonical("12:30") == "12:30")
    }

    @Test func quotedOperatorsAreTerms() throws {
        #expect(try canonical("\"OR\" \"NOT\"") == "\"OR\" AND \"NOT\"")
        #expect(try canonical("and or not near") == "and AND or AND not AND near")
    }

    @Test func errorsNameColumnAndExpectation() {
        let unclosed = error("Gaza AND (Rafah OR \"Khan Younis\"")
        #expect(unclosed?.kind == .unclosedParenthesis)
        #expect(unclosed?.column == 33)
        #expect(unclosed?.description == "query:1:33: expected ')' to close '(' at column 10")

        #expect(error("")?.kind == .empty)
        #expect(error("   ")?.kind == .empty)
        #expect(error("a OR")?.kind == .expectedTerm)
        #expect(error("a OR")?.column == 5)
        #expect(error("a OR")?.message == "expected a term, phrase or '(' after OR")
        #expect(error("OR a")?.column == 1)
        #expect(error("a AND AND b")?.column == 7)
        #expect(error("a)")?.kind == .unmatchedParenthesis)
        #expect(error("a)")?.column == 2)
        #expect(error("()")?.kind == .expectedTerm)
        #expect(error("()")?.column == 2)
        #expect(error("\"Gaza Strip")?.kind == .unclosedQuote)
        #expect(error("a NEAR b")?.kind == .badNearDistance)
        #expect(error("a NEAR/x b")?.kind == .badNearDistance)
        #expect(error("a NEAR/5")?.kind == .expectedTerm)
        #expect(error("(a b) NEAR/5 c")?.kind == .badNearOperand)
        #expect(error("a NEAR/5 NOT c")?.kind == .expectedTerm)
        #expect(error("a NEAR/5 b NEAR/5 c")?.kind == .badNearOperand)
        #expect(error("a NEAR/5 b NEAR/5 c")?.column == 12)
        #expect(error("Is*rael")?.kind == .badWildcard)
        #expect(error("Is*rael")?.column == 3)
        #expect(error("a*")?.kind == .badWildcard)
        #expect(error("*")?.kind == .badWildcard)
        #expect(error("&")?.kind == .emptyTerm)
        #expect(error("\"\"")?.kind == .emptyTerm)
        #expect(error("author:x")?.kind == .unknownField)
        #expect(error("a - b")?.kind == .expectedTerm)
        #expect(error("a - b")?.column == 3)
        #expect(error("title:")?.kind == .expectedTerm)
    }

    @Test func errorsCountLinesAndCharacters() {
        let e = error("Gaza OR\n  (Rafah")
        #expect(e?.line == 2)
        #expect(e?.column == 9)
        // Columns count characters, not bytes.
        #expect(error("Nétanyahu )")?.column == 11)
    }

    @Test func nestingIsBoundedWithTheColumnWhereItGoesTooDeep() throws {
        let limit = QueryParser.maximumNesting
        // 20,000 levels overflowed the stack (SIGSEGV) of check-config, match --query and a reloading daemon.
        let deep = String(repeating: "(", count: 20_000) + "a" + String(repeating: ")", count: 20_000)
        #expect(error(deep)?.kind == .tooDeep)
        #expect(error(deep)?.column == limit + 1)
        #expect(error(String(repeating: "NOT ", count: 20_000) + "a")?.kind == .tooDeep)
        #expect(error(String(repeating: "-", count: 20_000) + "a")?.kind != nil)
        #expect(error("a AND " + String(repeating: "title:", count: 20_000) + "a")?.kind != nil)
        #expect(error(String(repeating: "ATLEAST/2 ", count: 20_000) + "a")?.kind != nil)
        // Up to the limit a query still parses.
        let ok = String(repeating: "(", count: limit) + "a" + String(repeating: ")", count: limit)
        #expect(try QueryParser.parse(ok).canonical == "a")
        #expect(error(String(repeating: "NOT ", count: limit) + "a") == nil)
    }
}
