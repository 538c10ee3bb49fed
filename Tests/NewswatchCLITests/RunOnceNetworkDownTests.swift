import Foundation
import NewswatchTestSupport
import Testing

/// `run --once` decides from every feed's result whether the whole network was down before it charges failures
/// (CONTRACT §6). Issue 18 made the round fold each outcome in as it arrives (keeping them all held ~1.2 KB per
/// feed); the decision must stay the same: all feeds unreachable on two hosts is "down", one reachable feed is not.
@Suite struct RunOnceNetworkDownTests {
    func config(_ dir: TemporaryDirectory, feeds: [String]) throws -> URL {
        let entries = feeds.enumerated().map { i, url in "[[feeds]]\nurl = \"\(url)\"\nname = \"F\(i)\"\n" }
        return try dir.write(
            "newswatch.toml",
            """
            [daemon]
            state_dir = "state"
            allow_private_networks = true

            \(entries.joined(separator: "\n"))
            [[topics]]
            id = "gaza"
            query = 'Gaza'
            """)
    }

    static let downLine = "the network looks down"

    @Test func everyFeedUnreachableOnTwoHostsIsTheNetworkDown() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let port = try LoopbackHTTPServer.unusedPort()
        let cfg = try config(
            dir,
            feeds: [
                "http://127.0.0.1:\(port)/a.xml", "http://127.0.0.2:\(port)/b.xml", "http://127.0.0.3:\(port)/c.xml",
            ])
        let r = try NewswatchBinary.run(["run", "--once", "--config", cfg.path], timeout: 60)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains(Self.downLine), "\(r.stderr)")
    }

    @Test func oneFeedAnsweringIsNotTheNetworkDown() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let server = try LoopbackHTTPServer.start(routes: [
            "/wire.xml": .ok("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>W</title></channel></rss>")
        ])
        defer { server.stop() }
        let port = try LoopbackHTTPServer.unusedPort()
        let cfg = try config(
            dir,
            feeds: [
                "http://127.0.0.2:\(port)/a.xml", "http://127.0.0.3:\(port)/b.xml", server.url("/wire.xml"),
            ])
        let r = try NewswatchBinary.run(["run", "--once", "--config", cfg.path], timeout: 60)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains(Self.downLine), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").filter { $0.contains("feed failed") }.count == 2, "\(r.stderr)")
    }
}
