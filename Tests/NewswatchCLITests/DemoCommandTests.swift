import Foundation
import NewswatchTestSupport
import Testing

/// `newswatch demo` from the built binary, into a temporary folder, as a newcomer runs it (CONTRACT §1).
@Suite struct DemoCommandTests {
    @Test func writesAlertsAndDigestsOffline() throws {
        let dir = try TemporaryDirectory(prefix: "newswatch-demo")
        defer { dir.remove() }
        let out = dir.url.appendingPathComponent("demo")
        let result = try NewswatchBinary.run(["demo", "--output", out.path], timeout: 120)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("polled 5 sample feeds"))
        #expect(result.stdout.contains("0 failed"))

        // Alerts: one JSON object per line, both default topics, the seed story among them.
        let alertFiles = try FileManager.default.contentsOfDirectory(
            at: out.appendingPathComponent("alerts"), includingPropertiesForKeys: nil
        ).filter { $0.pathExtension == "jsonl" }
        #expect(alertFiles.count >= 1)
        var alerts: [[String: Any]] = []
        for file in alertFiles {
            for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
                alerts.append(try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]))
            }
        }
        let topics = Set(alerts.compactMap { $0["topic"] as? String })
        #expect(topics == ["gaza", "us-israel"])
        let seed = alerts.filter { ($0["title"] as? String)?.contains("killing of Hamas commander") == true }
        #expect(Set(seed.compactMap { $0["topic"] as? String }) == ["gaza", "us-israel"])
        // One alert per (story, topic): the wire story carried by three outlets alerts once per topic.
        let ids = alerts.compactMap { $0["id"] as? String }
        #expect(Set(ids).count == ids.count)
        let ceasefire = alerts.filter {
            ($0["title"] as? String)?.hasPrefix("Ceasefire talks resume in Cairo") == true && $0["topic"] as? String == "gaza"
        }
        #expect(ceasefire.count == 1)
        // The hard negative never alerts.
        #expect(!alerts.contains { ($0["title"] as? String)?.contains("Maccabi") == true })

        // Digests in all three formats; the multi-source story is listed once with its three sources.
        let digests = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("digests").path)
        #expect(Set(digests.map { ($0 as NSString).pathExtension }) == ["md", "html", "json"])
        let md = try #require(digests.first { $0.hasSuffix(".md") })
        let text = try String(contentsOf: out.appendingPathComponent("digests/\(md)"), encoding: .utf8)
        #expect(text.contains("3 sources"))

        // A second run replaces the first one's files (same stories, fresh database).
        let again = try NewswatchBinary.run(["demo", "--output", out.path], timeout: 120)
        #expect(again.status == 0, "\(again.stderr)")
    }

    @Test func refusesAFolderItDidNotMake() throws {
        let dir = try TemporaryDirectory(prefix: "newswatch-demo")
        defer { dir.remove() }
        try dir.write("precious.txt", "keep me")
        let result = try NewswatchBinary.run(["demo", "--output", dir.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("not empty"))
        #expect(FileManager.default.fileExists(atPath: dir.file("precious.txt").path))
    }
}
