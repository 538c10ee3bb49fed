import Foundation
import NewswatchTestSupport
import Testing

/// Two `[[alerts.sinks]]` entries to one destination (two topic filters to one webhook) through the built binary:
/// each keeps its own outbox from one process to the next (review 12: the second one's id changed with the order in
/// which a `Set` of its `events` printed, so its owed alerts were left under an id no later run served).
@Suite struct DuplicateSinkCommandTests {
    @Test func twoSinksToOneWebhookKeepTheirOutboxesFromRunToRun() throws {
        let feed = RunOnceTests.rss(
            "Wire", [("w1", "Aid convoy reaches Gaza as talks resume", "https://wire.example/aid", 300)])
        // The hook is down: every delivery stays owed, under the id its row was written with.
        let server = try LoopbackHTTPServer.start { request in
            request.path == "/wire.xml" ? .ok(feed) : .status(501)
        }
        defer { server.stop() }
        let dir = try TemporaryDirectory(prefix: "newswatch-dupsink")
        defer { dir.remove() }
        let config = try SecretLeakTests.config(
            dir,
            feeds: """
                [[feeds]]
                url = "\(server.url("/wire.xml"))"
                name = "Wire"
                """,
            sinks: """
                [[alerts.sinks]]
                type = "webhook"
                format = "slack"
                url = "\(server.url("/hook"))"

                [[alerts.sinks]]
                type = "webhook"
                format = "slack"
                url = "\(server.url("/hook"))"
                topics = ["gaza"]
                events = ["sink_failing", "feed_recovered", "feed_down"]
                """)
        var ids: [[String]] = []
        for _ in 0..<4 {
            let run = try NewswatchBinary.run(["run", "--once", "--config", config.path])
            #expect(run.status == 0, "\(run.stderr)")
            let status = try NewswatchBinary.run(["status", "--json", "--config", config.path])
            #expect(status.status == 0, "\(status.stderr)")
            let report = try #require(
                try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
            let sinks = try #require(report["sinks"] as? [[String: Any]])
            let hooks = sinks.filter { $0["type"] as? String == "webhook" }
            // Both are listed, and each still owes the one alert written in the first run.
            #expect(hooks.count == 2, "\(sinks)")
            #expect(hooks.map { $0["pending"] as? Int } == [1, 1], "\(hooks)")
            ids.append(hooks.compactMap { $0["id"] as? String })
        }
        #expect(Set(ids[0]).count == 2, "\(ids)")
        #expect(ids.allSatisfy { $0 == ids[0] }, "\(ids)")
    }
}
