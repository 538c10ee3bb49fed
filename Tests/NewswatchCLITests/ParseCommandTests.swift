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

    @Test func urlSourcesAreFetchedWithTheDaemonsPolicy() throws {
        let feed = """
            <?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>Caf\u{E9}</title>
            <item><title>Relative</title><link>/a/1</link></item></channel></rss>
            """
        let latin1 = feed.data(using: .isoLatin1)!
        let server = try LoopbackHTTPServer.start(routes: [
            "/feed.xml": .ok(data: latin1, headers: [("Content-Type", "application/rss+xml; charset=ISO-8859-1")]),
            "/moved": .redirect(to: "/feed.xml", status: 301),
            "/gone": .status(410),
        ])
        defer { server.stop() }

        // Loopback is a private address: refused unless the flag is given, and no request reaches the server.
        let refused = try NewswatchBinary.run(["parse", server.url("/feed.xml")])
        #expect(refused.status == 69)
        #expect(refused.stderr.split(separator: "\n").count == 1)
        #expect(refused.stderr.contains("--allow-private-networks"))
        #expect(server.requests.isEmpty)

        // Fetched through a redirect: relative links resolve against the final URL, the charset is honoured.
        let ok = try NewswatchBinary.run(["parse", server.url("/moved"), "--json", "--allow-private-networks"])
        #expect(ok.status == 0, "\(ok.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: ok.stdoutData) as? [String: Any])
        let feedObject = try #require(json["feed"] as? [String: Any])
        #expect(feedObject["title"] as? String == "Caf\u{E9}")
        let items = try #require(json["items"] as? [[String: Any]])
        #expect(items.first?["link"] as? String == server.url("/a/1"))

        // An HTTP error status exits 69 with one line.
        let gone = try NewswatchBinary.run(["parse", server.url("/gone"), "--allow-private-networks"])
        #expect(gone.status == 69)
        #expect(gone.stderr.split(separator: "\n").count == 1)

        // Nothing listening: 69.
        let port = try LoopbackHTTPServer.unusedPort()
        let down = try NewswatchBinary.run(["parse", "http://127.0.0.1:\(port)/f.xml", "--allow-private-networks"])
        #expect(down.status == 69)
    }

    /// CONTRACT §4: a URL given with credentials is fetched with them, and no output shows them.
    @Test func credentialsInASourceURLReachOnlyTheRequest() throws {
        let feed = "<rss version=\"2.0\"><channel><title>Desk</title><item><title>Rel</title><link>/a/1</link>"
            + "</item></channel></rss>"
        let server = try LoopbackHTTPServer.start(routes: [
            "/feed.xml": .ok(feed, headers: [("Content-Type", "application/rss+xml")]),
            "/page": .ok("<html><body>not a feed</body></html>", headers: [("Content-Type", "text/html")]),
        ])
        defer { server.stop() }
        let withCredentials = { (path: String) in
            server.url(path).replacingOccurrences(of: "http://", with: "http://desk:s3cr3t@")
        }
        let ok = try NewswatchBinary.run(["parse", withCredentials("/feed.xml"), "--json", "--allow-private-networks"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(server.requests.first?.header("Authorization")?.hasPrefix("Basic ") == true)
        #expect(!ok.stdout.contains("s3cr3t") && !ok.stdout.contains("desk:"))
        #expect(ok.stdout.contains(server.url("/a/1")))
        let bad = try NewswatchBinary.run(["parse", withCredentials("/page"), "--allow-private-networks"])
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("***@") && !bad.stderr.contains("s3cr3t"), "\(bad.stderr)")
    }

    @Test func otherProtocolsAreRefused() throws {
        let result = try NewswatchBinary.run(["parse", "file:///etc/passwd"])
        #expect(result.status == 66)
        #expect(!result.stdout.contains("root:"))
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
