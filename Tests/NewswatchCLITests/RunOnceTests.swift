import Foundation
import NewswatchTestSupport
import Testing

/// `newswatch run --once` end to end: the built binary against feeds served on 127.0.0.1 that change between
/// rounds, asserting the exact alert files (CONTRACT §1, §4).
@Suite struct RunOnceTests {
    /// Feeds the test rewrites between rounds; each path answers with its current document and an ETag,
    /// and `304` when the client sends that ETag back.
    final class FeedWorld: @unchecked Sendable {
        private let lock = NSLock()
        private var documents: [String: (status: Int, body: String)] = [:]
        func set(_ path: String, status: Int = 200, _ body: String) { lock.withLock { documents[path] = (status, body) } }
        func handle(_ request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response {
            guard let doc = lock.withLock({ documents[request.path] }) else { return .status(404) }
            guard doc.status == 200 else { return .status(doc.status) }
            let etag = "\"\(doc.body.utf8.count)-\(doc.body.hashValue & 0xffff)\""
            if request.header("If-None-Match") == etag { return .notModified(etag: etag) }
            return .ok(doc.body, headers: [("ETag", etag)])
        }
    }

    static func rss(_ title: String, _ items: [(guid: String, title: String, link: String, ago: TimeInterval)]) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let body = items.map { item in
            """
            <item><title>\(item.title)</title><link>\(item.link)</link><guid isPermaLink="false">\(item.guid)</guid>
            <pubDate>\(formatter.string(from: Date().addingTimeInterval(-item.ago)))</pubDate>
            <description>Reported by our correspondents.</description></item>
            """
        }.joined(separator: "\n")
        return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>\(title)</title>\(body)</channel></rss>"
    }

    func config(_ dir: TemporaryDirectory, _ server: LoopbackHTTPServer) throws -> URL {
        try dir.write(
            "newswatch.toml",
            """
            [daemon]
            state_dir = "state"
            output_dir = "out"
            allow_private_networks = true
            backfill = "6h"

            [digest]
            timezone = "UTC"

            [[feeds]]
            url = "\(server.url("/wire.xml"))"
            name = "Wire"

            [[feeds]]
            url = "\(server.url("/desk.xml"))"
            name = "Desk"

            [[topics]]
            id = "gaza"
            name = "Gaza"
            query = 'Gaza OR Rafah'
            """)
    }

    func alerts(_ dir: TemporaryDirectory) throws -> [[String: Any]] {
        let alertsDir = dir.url.appendingPathComponent("out/alerts")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: alertsDir.path)) ?? []
        var result: [[String: Any]] = []
        for file in files.sorted() where file.hasSuffix(".jsonl") {
            let text = try String(contentsOf: alertsDir.appendingPathComponent(file), encoding: .utf8)
            #expect(text.isEmpty || text.hasSuffix("\n"))
            for line in text.split(separator: "\n") {
                result.append(try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]))
            }
        }
        return result
    }

    @Test func alertsOncePerStoryAcrossRoundsFeedsAndFailures() throws {
        let world = FeedWorld()
        let server = try LoopbackHTTPServer.start(handler: world.handle)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let cfg = try config(dir, server)
        let run = { try NewswatchBinary.run(["run", "--once", "--config", cfg.path], timeout: 60) }

        // Round 1: Wire has a fresh Gaza story, an old one (beyond backfill) and an unrelated one; Desk fails.
        world.set(
            "/wire.xml",
            Self.rss("Wire", [
                ("w1", "Israeli strikes hit Rafah overnight", "https://wire.example/rafah-strikes", 600),
                ("w0", "Gaza talks stall", "https://wire.example/old-talks", 3 * 86400),
                ("w2", "Markets rally in Tokyo", "https://wire.example/tokyo", 300),
            ]))
        world.set("/desk.xml", status: 500, "")
        var r = try run()
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("Desk"), "the failing feed is logged: \(r.stderr)")
        var a = try alerts(dir)
        #expect(a.map { $0["title"] as? String } == ["Israeli strikes hit Rafah overnight"])
        #expect(a.first?["topic"] as? String == "gaza")
        #expect(a.first?["feed"] as? String == "Wire")
        #expect(a.first?["terms"] as? [String] == ["Rafah"])

        // Round 2: Wire unchanged (304). Desk recovers, carrying the same story (tracking parameter on the link)
        // and a new one: only the new one alerts.
        world.set(
            "/desk.xml",
            Self.rss("Desk", [
                ("d1", "Israeli strikes hit Rafah overnight", "https://wire.example/rafah-strikes?utm_source=rss", 500),
                ("d2", "Aid convoy reaches northern Gaza", "https://desk.example/aid", 200),
            ]))
        r = try run()
        #expect(r.status == 0, "\(r.stderr)")
        a = try alerts(dir)
        #expect(a.map { $0["title"] as? String } == [
            "Israeli strikes hit Rafah overnight", "Aid convoy reaches northern Gaza",
        ])
        #expect(server.requests(for: "/wire.xml").last?.header("If-None-Match") != nil)

        // Round 3: nothing changed anywhere: no new alert, and the files are not rewritten.
        r = try run()
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try alerts(dir).count == 2)

        // Round 4: Wire republishes the Rafah story under a new guid: the same story does not alert again.
        world.set(
            "/wire.xml",
            Self.rss("Wire", [
                ("w1-bis", "Israeli strikes hit Rafah overnight", "https://wire.example/rafah-strikes", 60),
                ("w2", "Markets rally in Tokyo", "https://wire.example/tokyo", 300),
            ]))
        r = try run()
        #expect(r.status == 0, "\(r.stderr)")
        let final = try alerts(dir)
        #expect(final.count == 2)
        let ids = final.compactMap { $0["id"] as? String }
        #expect(Set(ids).count == 2)
    }

    @Test func digestCommandRewritesTheSameBytes() throws {
        let world = FeedWorld()
        world.set("/wire.xml", Self.rss("Wire", [("w1", "Israeli strikes hit Rafah overnight", "https://wire.example/r", 600)]))
        world.set("/desk.xml", Self.rss("Desk", []))
        let server = try LoopbackHTTPServer.start(handler: world.handle)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let cfg = try config(dir, server)
        let missing = try NewswatchBinary.run(["digest", "--config", cfg.path])
        #expect(missing.status == 66, "no database yet: \(missing.stderr)")

        #expect(try NewswatchBinary.run(["run", "--once", "--config", cfg.path]).status == 0)
        // Today's period (UTC, 07:00) has not ended: the digest holds what is known so far.
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        let hour = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date()).hour!
        let issue = formatter.string(from: Date().addingTimeInterval(hour >= 7 ? 86400 : 0))
        let first = try NewswatchBinary.run(["digest", "--config", cfg.path, "--date", issue])
        #expect(first.status == 0, "\(first.stderr)")
        let paths = first.stdout.split(separator: "\n").map(String.init)
        #expect(paths.count == 3)
        let bytes = try paths.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        #expect(String(decoding: bytes[0], as: UTF8.self).contains("Rafah") || String(decoding: bytes[1], as: UTF8.self).contains("Rafah"))
        let again = try NewswatchBinary.run(["digest", "--config", cfg.path, "--date", issue])
        #expect(again.status == 0)
        #expect(try paths.map { try Data(contentsOf: URL(fileURLWithPath: $0)) } == bytes)

        let bad = try NewswatchBinary.run(["digest", "--config", cfg.path, "--date", "2026-02-30"])
        #expect(bad.status == 64)
    }

    @Test func unreachableFeedsStillExitZeroAndSayWhy() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let port = try LoopbackHTTPServer.unusedPort()
        let cfg = try dir.write(
            "newswatch.toml",
            """
            [daemon]
            state_dir = "state"
            allow_private_networks = true
            [[feeds]]
            url = "http://127.0.0.1:\(port)/feed.xml"
            name = "Nowhere"
            [[topics]]
            id = "gaza"
            query = 'Gaza'
            """)
        let r = try NewswatchBinary.run(["run", "--once", "--config", cfg.path])
        #expect(r.status == 0)
        #expect(r.stderr.contains("Nowhere"))
        #expect(r.stderr.split(separator: "\n").contains { $0.contains("feed failed") })
    }

    @Test func privateAddressesAreRefusedByDefault() throws {
        let world = FeedWorld()
        world.set("/f.xml", Self.rss("F", [("1", "Gaza", "https://x.example/1", 60)]))
        let server = try LoopbackHTTPServer.start(handler: world.handle)
        defer { server.stop() }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let cfg = try dir.write(
            "newswatch.toml",
            """
            [daemon]
            state_dir = "state"
            [[feeds]]
            url = "\(server.url("/f.xml"))"
            name = "Local"
            [[topics]]
            id = "gaza"
            query = 'Gaza'
            """)
        let r = try NewswatchBinary.run(["run", "--once", "--config", cfg.path])
        #expect(r.status == 0)
        #expect(server.requests.isEmpty)
        #expect(r.stderr.contains("forbiddenAddress") || r.stderr.lowercased().contains("private"))
    }
}
