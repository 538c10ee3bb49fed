import Foundation
import NewswatchTestSupport
import Testing

@Suite struct MatchCommandTests {
    @Test func queryOnTextPrintsMatchAndTerms() throws {
        let r = try NewswatchBinary.run([
            "match", "--query", "(\"Gaza Strip\" OR Hamas) AND NOT football", "--text",
            "Hamas said fighting continued in the Gaza Strip.",
        ])
        #expect(r.status == 0)
        #expect(r.stdout == "match\nterms: Hamas (summary), Gaza Strip (summary)\n")
    }

    @Test func queryOnTextPrintsNoMatchAndExitsZero() throws {
        let r = try NewswatchBinary.run(["match", "--query", "US NEAR/3 Israel", "--text", "Tell us about Israel"])
        #expect(r.status == 0)
        #expect(r.stdout == "no match\n")
    }

    @Test func titleOptionFeedsTitleParts() throws {
        let r = try NewswatchBinary.run([
            "match", "--query", "title:Gaza", "--title", "Gaza talks resume", "--text", "Negotiators met.",
        ])
        #expect(r.status == 0)
        #expect(r.stdout == "match\nterms: Gaza (title)\n")
    }

    @Test func badQueryExits64WithColumn() throws {
        let r = try NewswatchBinary.run(["match", "--query", "Gaza AND (Rafah OR Khan", "--text", "x"])
        #expect(r.status == 64)
        #expect(r.stdout.isEmpty)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(r.stderr.contains("query:1:24: expected ')' to close '(' at column 10"))
    }

    @Test func queryWithoutTextIsBadUsage() throws {
        let r = try NewswatchBinary.run(["match", "--query", "Gaza"])
        #expect(r.status == 64)
    }
}
