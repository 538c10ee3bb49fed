import Foundation
import NewswatchTestSupport
import Testing

/// `newswatch parse` as a user runs it (CONTRACT §1–2).
@Suite struct ParseCommandTests {
    static func fixture(_ name: String) throws -> URL {
        try #require(Bundle.module.url(forResource: "Fixtures/parse/" + name, withExtension: nil))
    }

    @Test func jsonIsExactlyTheContract() throws {
        let result = try NewswatchBinary.run(["parse", Self.fixture("contract.xml").path, "--json"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let expected = try String(contentsOf: Self.fixture("contract.json"), encoding: .utf8)
        #expect(result.stdout == expected)
        // And it is JSON with every key of §2.
        let object = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        #expect(Set(object.keys) == ["format", "feed", "items"])
        let items = try #require(object["items"] as? [[String: Any]])
        for item in items {
            #expect(
                Set(item.keys)
                    == ["id", "title", "link", "published", "updated", "author", "summary", "content", "categories"])
        }
    }

    @Test func readableSummaryByDefault() throws {
        let result = try NewswatchBinary.run(["parse", Self.fixture("contract.xml").path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Feed:        Desk & Wire"))
        #expect(result.stdout.contains("Items:       2"))
        #expect(result.stdout.contains("1. U.S. envoy meets Netanyahu"))
        #expect(result.stdout.contains("published 2025-02-10T08:00:00Z"))
    }

    @Test func standardInput() throws {
        let data = try Data(contentsOf: Self.fixture("contract.xml"))
        let result = try NewswatchBinary.run(["parse", "-", "--json"], stdin: data)
        #expect(result.status == 0)
        #expect(result.stdout == (try String(contentsOf: Self.fixture("contract.json"), encoding: .utf8)))
    }

    @Test func brokenFeedWarnsAndExitsZero() throws {
        let result = try NewswatchBinary.run(["parse", Self.fixture("broken.xml").path, "--json"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("\"title\": \"AT&T café\""))
        let lines = result.stderr.split(separator: "\n")
        #expect(!lines.isEmpty)
        #expect(lines.allSatisfy { $0.hasPrefix("newswatch: warning: ") })
    }

    @Test func notAFeedExits65() throws {
        let result = try NewswatchBinary.run(["parse", Self.fixture("page.html").path])
        #expect(result.status == 65)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains("HTML page"))
        let empty = try NewswatchBinary.run(["parse", "-"], stdin: Data())
        #expect(empty.status == 65)
    }

    @Test func missingFileExits66() throws {
        let result = try NewswatchBinary.run(["parse", "/nonexistent/feed.xml"])
        #expect(result.status == 66)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains("/nonexistent/feed.xml"))
    }

    @Test func urlSourcesAreNotBuiltYet() throws {
        let result = try NewswatchBinary.run(["parse", "http://127.0.0.1:9/feed.xml"])
        #expect(result.status == 69)
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func hostileInputEndsWithinSecondsWithoutASignal() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var decl = "<!ENTITY a0 \"lol\">"
        for i in 1...12 { decl += "<!ENTITY a\(i) \"" + String(repeating: "&a\(i - 1);", count: 10) + "\">" }
        let bomb = try dir.write(
            "bomb.xml", "<!DOCTYPE rss [\(decl)]><rss version=\"2.0\"><channel><title>&a12;</title></channel></rss>")
        let result = try NewswatchBinary.run(["parse", bomb.path, "--json"], timeout: 30)
        #expect(result.status == 0 || result.status == 65)
        #expect(!result.stdout.contains("lol"))
    }
}
