import Foundation
import NewswatchCore
import Testing

@testable import NewswatchStore

@Suite struct ItemMatchTextTests {
    static let awkward = [
        #"say "cease fire""#, #"back\slash"#, "tab\tand\nnewline\r", "\u{01}\u{1F}\u{7F}", "a/b </script>",
        "line\u{2028}sep\u{2029}", "U.S.–Israel…", "غزة", "emoji 🇺🇸 and é", "", "plain text",
        // An escaped character followed by a combining mark: one Character, two scalars (review 7b).
        "\"\u{301} quote", "\\\u{301} backslash", "\n\u{301} newline",
    ]

    /// What the column held before it was written by hand: `JSONEncoder`'s encoding of the same fields.
    static func foundationEncoding(_ item: ParsedItem) throws -> String {
        guard item.summary != nil || item.content != nil || !item.categories.isEmpty else { return "{}" }
        let text = ItemMatchText(
            summary: item.summary, content: item.content, categories: item.categories.isEmpty ? nil : item.categories)
        return String(decoding: try JSONEncoder().encode(text), as: UTF8.self)
    }

    @Test(arguments: awkward)
    func awkwardTextDecodesAsFoundationsEncodingDid(text: String) throws {
        let items = [
            ParsedItem(summary: text),
            ParsedItem(content: text, categories: [text, "b"]),
            ParsedItem(summary: "s " + text, content: text + " c", categories: [text]),
        ]
        for item in items {
            let stored = try #require(ItemMatchText.encode(item))
            let decoded = try #require(ItemMatchText.decode(stored))
            #expect(decoded == ItemMatchText.decode(try Self.foundationEncoding(item)))
            #expect(decoded.summary == item.summary && decoded.content == item.content)
            #expect(decoded.categories ?? [] == item.categories)
            // Valid JSON for any reader, not only ours.
            #expect(try JSONSerialization.jsonObject(with: Data(stored.utf8)) is [String: Any])
        }
    }

    @Test func escapesAreWrittenExactlyAsBeforeBetweenRunsCopiedWhole() {
        let text = "“Quote” a\"b\\c\n\r\t\u{08}\u{0C}\u{01}\u{1F}\u{7F}\u{2028}x\u{2029}é… 🇺🇸\"\""
        let expected = #""“Quote” a\"b\\c\n\r\t\b\f\u0001\u001f"# + "\u{7F}" + #"\u2028x\u2029é… 🇺🇸\"\"""#
        #expect(JSONValue.string(text).compact == expected)
        #expect(JSONValue.string("’tis plain…").compact == "\"’tis plain…\"")
        #expect(JSONValue.string("").compact == "\"\"")
    }

    @Test func anItemWithNoTextIsAnEmptyObjectAndAbsentFieldsAreLeftOut() throws {
        #expect(ItemMatchText.encode(ParsedItem(title: "only a title")) == "{}")
        #expect(ItemMatchText.encode(ParsedItem(summary: "s")) == #"{"s":"s"}"#)
        #expect(ItemMatchText.encode(ParsedItem(content: "c", categories: ["x"])) == #"{"c":"c","g":["x"]}"#)
    }

    @Test func thePreparedItemCarriesTheColumnValuesTheWriterStores() throws {
        let item = ParsedItem(
            id: "g", title: "t", link: "https://example.com/a", summary: String(repeating: "é", count: 1200),
            content: "body")
        let e = IngestTransaction.prepare(MatchedItem(item, matches: []), feedKey: "k", now: 0)
        #expect(e.matchText == ItemMatchText.encode(item))
        #expect(e.storedSummary == IngestTransaction.storedSummary(item))
        #expect(e.storedSummary?.count == 1000)
    }
}
