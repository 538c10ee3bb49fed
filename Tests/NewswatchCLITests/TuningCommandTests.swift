import Foundation
import NewswatchTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `match --stored`, `feedback` and `eval --feedback` from the built binary, on a state database written by a real
/// `run --once` over feeds served on 127.0.0.1 (CONTRACT §8).
@Suite struct TuningCommandTests {
    /// A state directory filled by one `run --once`; the test then rewrites the config's topics.
    struct World {
        let dir: TemporaryDirectory
        let server: LoopbackHTTPServer
        var config: URL { dir.file("newswatch.toml") }
        var database: String { dir.file("state/newswatch.sqlite").path }

        init() throws {
            dir = try TemporaryDirectory()
            let feed = Self.rss([
                ("w1", "Israeli strikes hit Rafah overnight", "Reported by our correspondents.", nil, []),
                ("w2", "Gaza ceasefire talks stall in Cairo", "Negotiators left.", nil, []),
                ("w3", "Markets rally in Tokyo", "Stocks rose.", nil, []),
                ("w4", "Cabinet meets on the crisis", "Ministers met.", "Shelling reached Khan Younis.", []),
                ("w5", "Diplomats gather in Amman", "Talks began.", nil, ["Mideast"]),
            ])
            server = try LoopbackHTTPServer.start { request in
                request.path == "/wire.xml" ? .ok(feed) : .status(404)
            }
            try setTopics("gaza", "Gaza OR Rafah")
            let r = try run(["run", "--once"])
            guard r.status == 0 else { throw Failure(message: "run --once: \(r.stderr)") }
        }

        struct Failure: Error { var message: String }

        static func rss(_ items: [(String, String, String, String?, [String])]) -> String {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            let date = formatter.string(from: Date().addingTimeInterval(-600))
            let body = items.map { guid, title, description, content, categories in
                "<item><title>\(title)</title><link>https://wire.example/\(guid)</link><guid>\(guid)</guid>"
                    + "<pubDate>\(date)</pubDate><description>\(description)</description>"
                    + (content.map { "<content:encoded>\($0)</content:encoded>" } ?? "")
                    + categories.map { "<category>\($0)</category>" }.joined() + "</item>"
            }
            return """
                <?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
                <channel><title>Wire</title>\(body.joined(separator: "\n"))</channel></rss>
                """
        }

        /// Rewrites the config with these topics (id, query pairs).
        func setTopics(_ topics: String...) throws {
            var toml = """
                [daemon]
                state_dir = "state"
                output_dir = "out"
                allow_private_networks = true
                backfill = "6h"

                [[feeds]]
                url = "\(server.url("/wire.xml"))"
                name = "Wire"

                """
            for pair in stride(from: 0, to: topics.count, by: 2) {
                toml +=
                    "[[topics]]\nid = \"\(topics[pair])\"\nname = \"\(topics[pair])\"\nquery = '\(topics[pair + 1])'\n"
            }
            try Data(toml.utf8).write(to: config)
        }

        func run(_ arguments: [String]) throws -> NewswatchBinary.Result {
            try NewswatchBinary.run(arguments + ["--config", config.path], timeout: 60)
        }

        func alertIDs() throws -> [String: String] {
            let alerts = dir.file("out/alerts")
            var ids: [String: String] = [:]
            for file in try FileManager.default.contentsOfDirectory(atPath: alerts.path) where file.hasSuffix(".jsonl")
            {
                let text = try String(contentsOf: alerts.appendingPathComponent(file), encoding: .utf8)
                for line in text.split(separator: "\n") {
                    let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                    if let title = object?["title"] as? String, let id = object?["id"] as? String { ids[title] = id }
                }
            }
            return ids
        }

        func close() {
            server.stop()
            dir.remove()
        }
    }

    private func lines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func storedBacktestKeepsTheRecordedMatchesUnderTheSameQuery() throws {
        let world = try World()
        defer { world.close() }
        let r = try world.run(["match", "--stored"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("5 stored items first seen since "))
        #expect(r.stdout.contains("TOPIC  KEPT  NEW  LOST\ngaza   2     0    0\n"), "\(r.stdout)")
        #expect(!r.stdout.contains("note:"), "every item was stored with its whole text")
    }

    @Test func narrowedQueryLosesItems() throws {
        let world = try World()
        defer { world.close() }
        try world.setTopics("gaza", "Rafah")
        let r = try world.run(["match", "--stored"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("gaza   1     0    1\n"), "\(r.stdout)")
        #expect(r.stdout.contains("gaza: lost (1)\n  - Gaza ceasefire talks stall in Cairo  [Wire]\n"), "\(r.stdout)")
        let json = try world.run(["match", "--stored", "--json"])
        #expect(json.status == 0)
        let objects = try lines(json.stdout)
        try #require(objects.count == 2)
        #expect(
            objects.map { $0.keys.sorted() }
                == Array(repeating: ["feed", "first_seen", "link", "stored_topics", "title", "topics"], count: 2))
        #expect(
            objects.map { $0["title"] as? String } == [
                "Israeli strikes hit Rafah overnight", "Gaza ceasefire talks stall in Cairo",
            ])
        #expect(objects.map { $0["topics"] as? [String] } == [["gaza"], []])
        #expect(objects.map { $0["stored_topics"] as? [String] } == [["gaza"], ["gaza"]])
        #expect(objects.map { $0["feed"] as? String } == ["Wire", "Wire"])
        #expect(objects[0]["link"] as? String == "https://wire.example/w1")
        #expect((objects[0]["first_seen"] as? String)?.hasSuffix("Z") == true)
    }

    @Test func widenedQueryFindsNewItemsInContentAndCategories() throws {
        let world = try World()
        defer { world.close() }
        // "Khan Younis" occurs only in w4's content:encoded and Mideast only in w5's category: the store must have
        // kept what the daemon matched, not just the title and summary.
        try world.setTopics("gaza", #"Gaza OR Rafah OR "Khan Younis""#, "region", "category:Mideast")
        let r = try world.run(["match", "--stored"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(
            r.stdout.contains("TOPIC   KEPT  NEW  LOST\ngaza    2     1    0\nregion  0     1    0\n"), "\(r.stdout)")
        #expect(r.stdout.contains("gaza: new (1)\n  + Cabinet meets on the crisis  [Wire]\n"))
        #expect(r.stdout.contains("region: new (1)\n  + Diplomats gather in Amman  [Wire]\n"))
        let only = try world.run(["match", "--stored", "--topic", "region", "--json"])
        #expect(try lines(only.stdout).map { $0["title"] as? String } == ["Diplomats gather in Amman"])
    }

    @Test func storedBacktestIsReadOnlyAndRunsBesideAWriter() throws {
        let world = try World()
        defer { world.close() }
        // Read-only: the database file is byte for byte what the daemon left.
        let before = try Data(contentsOf: URL(fileURLWithPath: world.database))
        #expect(try world.run(["match", "--stored"]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: world.database)) == before)
        // Another process holds the write lock, as the daemon does mid-ingest: WAL readers do not wait for it.
        let lock = try SQLiteWriteLock(database: world.database)
        let r = try world.run(["match", "--stored", "--json"])
        lock.release()
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try lines(r.stdout).count == 2)
        // The window: nothing was first seen in the last second once two have passed.
        Thread.sleep(forTimeInterval: 2.2)
        let recent = try world.run(["match", "--stored", "--since", "1s"])
        #expect(recent.stdout.contains("0 stored items"), "\(recent.stdout)")
        let bad = try world.run(["match", "--stored", "--since", "soon"])
        #expect(bad.status == 64)
        let withSource = try world.run(["match", "--stored", "feed.xml"])
        #expect(withSource.status == 64)
    }

    @Test func backtestAndFeedbackRunBesideARunningDaemon() async throws {
        let world = try World()
        defer { world.close() }
        let daemon = try DaemonProcess(["run", "--config", world.config.path], logFile: world.dir.file("daemon.log"))
        // Give it time to open the store and poll the feed again.
        try await Task.sleep(nanoseconds: 1_500_000_000)
        #expect(daemon.isRunning, "\(daemon.log)")
        let backtest = try world.run(["match", "--stored", "--json"])
        #expect(backtest.status == 0, "\(backtest.stderr)")
        #expect(try lines(backtest.stdout).count == 2)
        let id = try #require(try world.alertIDs()["Israeli strikes hit Rafah overnight"])
        let verdict = try world.run(["feedback", id, "--relevant"])
        #expect(verdict.status == 0, "\(verdict.stderr)")
        let scored = try world.run(["eval", "--feedback", "--json"])
        #expect(scored.stdout.hasPrefix(#"{"items":1,"scored":1,"#), "\(scored.stdout) \(scored.stderr)")
        daemon.send(SIGTERM)
        #expect(await daemon.waitForExit(timeout: 30))
        #expect(daemon.status == 0, "\(daemon.log)")
    }

    @Test func noStateDatabaseExits66() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let config = try dir.write("newswatch.toml", "[daemon]\nstate_dir = \"state\"\n")
        for args in [["match", "--stored"], ["eval", "--feedback"], ["feedback", "x", "--relevant"]] {
            let r = try NewswatchBinary.run(args + ["--config", config.path])
            #expect(r.status == 66, "\(args): \(r.stderr)")
            #expect(r.stderr.contains("no state database"), "\(r.stderr)")
        }
    }

    @Test func feedbackRoundTrip() throws {
        let world = try World()
        defer { world.close() }
        let ids = try world.alertIDs()
        let rafah = try #require(ids["Israeli strikes hit Rafah overnight"])
        let talks = try #require(ids["Gaza ceasefire talks stall in Cairo"])

        #expect(try world.run(["feedback", rafah, "--relevant"]).status == 0)
        #expect(try world.run(["feedback", talks, "--relevant", "--note", "first look"]).status == 0)
        // A later verdict replaces the earlier one.
        let replaced = try world.run(["feedback", talks, "--irrelevant", "--note", "talks, not the war"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(replaced.stdout == "alert \(talks): recorded as irrelevant\n")

        let unknown = try world.run(["feedback", "no-such-alert", "--relevant"])
        #expect(unknown.status == 66)
        #expect(unknown.stderr.contains("no alert with id no-such-alert"), "\(unknown.stderr)")
        #expect(try world.run(["feedback", rafah]).status == 64)
        #expect(try world.run(["feedback", rafah, "--relevant", "--irrelevant"]).status == 64)

        let status = try world.run(["status", "--json"])
        #expect(status.status == 0, "\(status.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(json.keys.sorted() == ["feeds", "incidents", "sinks", "totals", "verdicts"])
        let verdicts = try #require(json["verdicts"] as? [String: [String: Int]])
        #expect(verdicts == ["gaza": ["relevant": 1, "irrelevant": 1]])
        let table = try world.run(["status"])
        #expect(table.stdout.contains("verdicts gaza: 1 relevant, 1 irrelevant\n"), "\(table.stdout)")

        // The current topics on the judged items: Rafah is a tp, the talks a fp.
        let scored = try world.run(["eval", "--feedback", "--json", "--misses"])
        #expect(scored.status == 0, "\(scored.stderr)")
        let evaluation = try #require(
            try JSONSerialization.jsonObject(with: Data(scored.stdout.utf8)) as? [String: Any])
        #expect(evaluation["items"] as? Int == 2)
        #expect(evaluation["scored"] as? Int == 2)
        let gaza = try #require((evaluation["topics"] as? [[String: Any]])?.first)
        #expect([gaza["positives"], gaza["tp"], gaza["fp"], gaza["fn"]].map { $0 as? Int } == [1, 1, 1, 0])
        #expect((gaza["precision"] as? NSNumber)?.doubleValue == 0.5)
        let misses = try #require(evaluation["misses"] as? [[String: Any]])
        #expect(misses.map { $0["kind"] as? String } == ["fp"])
        #expect(misses.map { $0["file"] as? String } == ["alert:\(talks)"])
        #expect(misses.map { $0["terms"] as? [String] } == [["Gaza"]])

        // A narrower query on the same verdicts: the irrelevant alert no longer matches.
        try world.setTopics("gaza", "Rafah")
        let narrowed = try world.run(["eval", "--feedback"])
        #expect(
            narrowed.stdout.contains("gaza   1          1   0   0   1.000      1.000   1.000\n"), "\(narrowed.stdout)")
        // --since: only alerts detected within the window.
        Thread.sleep(forTimeInterval: 2.2)
        let recent = try world.run(["eval", "--feedback", "--since", "1s", "--json"])
        #expect(recent.status == 0, "\(recent.stderr)")
        #expect(recent.stdout.hasPrefix(#"{"items":0,"scored":0,"#), "\(recent.stdout)")
    }
}
