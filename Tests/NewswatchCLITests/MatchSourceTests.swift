import Foundation
import NewswatchTestSupport
import Testing

/// `newswatch match [--config F] [--topic ID] SOURCE... [--json]` from the built binary (CONTRACT §1, §3).
@Suite struct MatchSourceTests {
    static let feed = """
        <?xml version="1.0"?><rss version="2.0"><channel><title>Desk feed</title>
        <item><guid>a</guid><title>Israeli strikes hit Rafah</title><link>https://x.example/a</link></item>
        <item><guid>b</guid><title>Markets rally in Tokyo</title><link>https://x.example/b</link></item>
        <item><guid>a</guid><title>Israeli strikes hit Rafah</title><link>https://x.example/a</link></item>
        <item><title>White House presses Netanyahu on aid to Gaza</title></item>
        </channel></rss>
        """

    func setUp(_ dir: TemporaryDirectory) throws -> (config: URL, feed: URL) {
        let feed = try dir.write("feed.xml", Self.feed)
        let config = try dir.write(
            "newswatch.toml",
            """
            [daemon]
            state_dir = "state"
            [[feeds]]
            path = "feed.xml"
            name = "Desk"
            tags = ["mideast"]
            [[topics]]
            id = "gaza"
            name = "Gaza"
            query = 'Gaza OR Rafah'
            [[topics]]
            id = "desk-only"
            query = 'feed:Desk AND Tokyo'
            """)
        return (config, feed)
    }

    @Test func jsonLinesInDocumentOrderNeverDeduplicated() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (config, feed) = try setUp(dir)
        let r = try NewswatchBinary.run(["match", "--config", config.path, feed.path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        let objects = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(objects.map { $0["id"] as? String } == ["a", "b", "a", nil])
        #expect(objects.allSatisfy { $0["feed"] as? String == "Desk" })
        let topics = objects.map { ($0["topics"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } }
        #expect(topics == [["gaza"], ["desk-only"], ["gaza"], ["gaza"]])
        let first = try #require((objects[0]["topics"] as? [[String: Any]])?.first)
        #expect(first["terms"] as? [String] == ["Rafah"])
        #expect(objects[3]["link"] is NSNull)
    }

    @Test func topicFilterAndErrors() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (config, feed) = try setUp(dir)
        let only = try NewswatchBinary.run(["match", "--config", config.path, "--topic", "desk-only", feed.path, "--json"])
        #expect(only.status == 0)
        #expect(only.stdout.components(separatedBy: "\"desk-only\"").count - 1 == 1)
        #expect(!only.stdout.contains("\"gaza\""))

        let unknown = try NewswatchBinary.run(["match", "--config", config.path, "--topic", "nope", feed.path])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("nope"))

        let missing = try NewswatchBinary.run(["match", "--config", config.path, dir.file("absent.xml").path])
        #expect(missing.status == 66)

        try dir.write("page.html", "<html><body>not a feed</body></html>")
        let notFeed = try NewswatchBinary.run(["match", "--config", config.path, dir.file("page.html").path])
        #expect(notFeed.status == 65)
    }
}
