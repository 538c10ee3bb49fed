import Foundation
import NewswatchTestSupport
import Testing

/// Issue 19 item 9, end to end with the built binary: proxy variables in the environment, a 2 MiB response header,
/// and local feeds over the body cap.
@Suite struct HostileFetchTests {
    static let feed = """
        <?xml version="1.0"?><rss version="2.0"><channel><title>Inside</title>
        <item><title>Internal memo</title><link>https://inside.example/memo</link></item></channel></rss>
        """

    /// A "proxy" that records what reaches it and would relay nothing.
    static func proxy() throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer.start { _ in
            .ok("<rss version=\"2.0\"><channel><title>via proxy</title></channel></rss>")
        }
    }

    /// libcurl read `http_proxy`/`ALL_PROXY` and sent the request to the proxy: the address policy then checked the
    /// proxy's address, not the feed's, so a proxy could reach any private host. The environment is ignored now.
    @Test(arguments: ["http_proxy", "ALL_PROXY", "all_proxy"])
    func proxyVariablesAreIgnoredAndThePolicyChecksTheTarget(_ variable: String) throws {
        // 127.0.0.2 plays the private feed host, 127.0.0.1 the proxy.
        let target = try LoopbackHTTPServer.start(address: "127.0.0.2", routes: ["/feed.xml": .ok(Self.feed)])
        defer { target.stop() }
        let proxy = try Self.proxy()
        defer { proxy.stop() }
        let environment = [variable: proxy.baseURL, "no_proxy": "", "NO_PROXY": ""]

        let refused = try NewswatchBinary.run(
            ["parse", target.url("/feed.xml")], environment: environment, timeout: 60)
        #expect(refused.status == 69, "\(refused.stderr)")
        // The refused address is the feed's own, not the proxy's.
        #expect(refused.stderr.contains("refused to connect to 127.0.0.2"), "\(refused.stderr)")
        #expect(proxy.requests.isEmpty && target.requests.isEmpty)

        let direct = try NewswatchBinary.run(
            ["parse", "--json", "--allow-private-networks", target.url("/feed.xml")], environment: environment,
            timeout: 60)
        #expect(direct.status == 0, "\(direct.stderr)")
        #expect(direct.stdout.contains("Internal memo"), "\(direct.stdout)")
        #expect(proxy.requests.isEmpty, "the request went through the proxy")
        #expect(target.requests.count == 1)
    }

    /// One 2 MiB header made libcurl report "out of memory", and `parse` exited 1 (an internal error).
    @Test func aHugeResponseHeaderIsUnreachableNotAnInternalError() throws {
        let big = String(repeating: "a", count: 2 << 20)
        let server = try LoopbackHTTPServer.start(routes: ["/big.xml": .ok(Self.feed, headers: [("X-Big", big)])])
        defer { server.stop() }
        let parse = try NewswatchBinary.run(
            ["parse", "--allow-private-networks", server.url("/big.xml")], timeout: 60)
        #expect(parse.status == 69, "\(parse.stderr)")
        #expect(parse.stderr.hasPrefix("newswatch: \(server.url("/big.xml")): response header too large"))

        // The daemon records it as that feed's error and goes on.
        let dir = try TemporaryDirectory(prefix: "newswatch-hostile")
        defer { dir.remove() }
        let cfg = try dir.write(
            "newswatch.toml",
            """
            [daemon]
            state_dir = "state"
            allow_private_networks = true

            [[feeds]]
            url = "\(server.url("/big.xml"))"
            name = "Big"
            """)
        let run = try NewswatchBinary.run(["run", "--once", "--config", cfg.path], timeout: 60)
        #expect(run.status == 0, "\(run.stderr)")
        let feed = try #require(try statusFeeds(cfg).first)
        #expect((feed["error"] as? String)?.contains("response header too large") == true, "\(feed)")
        #expect(feed["consecutive_failures"] as? Int == 1)
    }

    /// `parse FILE`, `parse -` and `path =` feeds read the whole input whatever its size; now the 10 MiB body cap
    /// applies as to an HTTP body (CONTRACT §2: over the cap exits 65).
    @Test func localFeedsOverTheBodyCapFailLikeAnOversizedBody() throws {
        let dir = try TemporaryDirectory(prefix: "newswatch-hostile")
        defer { dir.remove() }
        let padding = String(repeating: "<!-- padding -->\n", count: (10 << 20) / 17 + 1)
        let huge = try dir.write(
            "huge.xml", Self.feed.replacingOccurrences(of: "</channel>", with: padding + "</channel>"))
        let small = try dir.write("small.xml", Self.feed)

        let file = try NewswatchBinary.run(["parse", huge.path], timeout: 60)
        #expect(file.status == 65, "\(file.stderr)")
        #expect(file.stderr.hasPrefix("newswatch: \(huge.path): body larger than 10485760 bytes"), "\(file.stderr)")
        let stdin = try NewswatchBinary.run(["parse", "-"], stdin: try Data(contentsOf: huge), timeout: 60)
        #expect(stdin.status == 65, "\(stdin.stderr)")
        #expect(stdin.stderr.hasPrefix("newswatch: <stdin>: body larger than 10485760 bytes"), "\(stdin.stderr)")
        #expect(try NewswatchBinary.run(["parse", small.path], timeout: 60).status == 0)

        // A `path =` feed over `max_body` is that feed's error.
        let cfg = try dir.write(
            "newswatch.toml",
            """
            [daemon]
            state_dir = "state"
            max_body = "64KiB"

            [[feeds]]
            path = "huge.xml"
            name = "Huge"

            [[feeds]]
            path = "small.xml"
            name = "Small"
            """)
        let run = try NewswatchBinary.run(["run", "--once", "--config", cfg.path], timeout: 60)
        #expect(run.status == 0, "\(run.stderr)")
        let feeds = try statusFeeds(cfg)
        #expect(feeds.first?["error"] as? String == "body larger than 65536 bytes", "\(feeds)")
        #expect(feeds.last?["error"] is NSNull && feeds.last?["items"] as? Int == 1, "\(feeds)")
    }
}
