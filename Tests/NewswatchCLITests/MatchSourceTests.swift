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
        let objects = try lines.map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
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
        let only = try NewswatchBinary.run([
            "match", "--config", config.path, "--topic", "desk-only", feed.path, "--json",
        ])
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

    /// Past `ManySourcesCommandLine`'s threshold (the list set whole, not through ArgumentParser): options and their
    /// values among the sources, `--json` after them — every source's item in argument order, no value read as a
    /// source.
    @Test func manySourcesWithOptionsAmongThem() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (config, _) = try setUp(dir)
        let sources = try (0..<70).map { i in
            try dir.write(
                "copy-\(i).xml",
                "<rss version=\"2.0\"><channel><item><guid>g\(i)</guid><title>Rafah \(i)</title></item></channel></rss>"
            ).path
        }
        let r = try NewswatchBinary.run(
            ["match", "--config", config.path] + sources[..<35] + ["--topic", "gaza"] + sources[35...] + ["--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let objects = try r.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.map { $0["id"] as? String } == (0..<70).map { "g\($0)" })
    }

    /// Every option `match --help` shows with a value is one `ManySourcesCommandLine` knows takes a value: with many
    /// sources each behaves as with one (same status and error), and its value is never read as a source.
    @Test func everyValueOptionOfTheHelpIsKnownWithManySources() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (config, feed) = try setUp(dir)
        let help = try NewswatchBinary.run(["match", "--help"])
        let words = help.stdout.split(whereSeparator: { $0 == " " || $0 == "[" || $0 == "]" || $0 == "\n" }).map(
            String.init)
        let valueOptions = Set(
            zip(words, words.dropFirst()).filter { $0.hasPrefix("--") && $1.hasPrefix("<") }.map(\.0))
        #expect(valueOptions.count >= 6, "\(valueOptions)")
        for option in valueOptions.sorted() where option != "--config" {
            let value = option == "--topic" ? "gaza" : "v-\(option.dropFirst(2))"
            let one = try NewswatchBinary.run(["match", "--config", config.path, option, value, feed.path])
            let many = try NewswatchBinary.run(
                ["match", "--config", config.path, option, value] + Array(repeating: feed.path, count: 70))
            #expect(many.status == one.status, "\(option): \(many.stderr)")
            #expect(!many.stderr.contains("no such file"), "\(option): \(many.stderr)")
            if one.status != 0 { #expect(many.stderr == one.stderr, "\(option)") }
        }
    }
}
