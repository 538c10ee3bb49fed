import Foundation
import NewswatchTestSupport
import Testing

/// `newswatch eval LABELS` from the built binary on small labelled fixtures (CONTRACT §8). The counts are worked out
/// by hand in `setUp`.
@Suite struct EvalCommandTests {
    static func rss(_ title: String, _ items: [(title: String, description: String)]) -> String {
        let body = items.map { "<item><title>\($0.title)</title><description>\($0.description)</description></item>" }
        return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>\(title)</title>"
            + body.joined(separator: "\n") + "</channel></rss>"
    }

    /// gaza = `Gaza OR (Rafah AND strike*)`, desk-only = `feed:Desk AND Tokyo`.
    ///
    /// gaza:      one#0 tp · one#1 tn · one#2 fn (Rafah occurs, no strike) · one#3 fp (Gaza) · one#4 borderline ·
    ///            one#5 no gaza key · desk#0 tn  → positives 2, tp 1, fp 1, fn 1: precision = recall = F1 = 0.5.
    /// desk-only: one#5 tn · desk#0 tp (only as the configured feed "Desk": the daemon's feed name)
    ///            → positives 1, tp 1: 1 / 1 / 1.
    /// items 7, scored 6 (the borderline one is not).
    func setUp(_ dir: TemporaryDirectory) throws -> (config: URL, labels: URL) {
        _ = try dir.write(
            "corpus/feeds/one.xml",
            Self.rss(
                "One",
                [
                    ("Israeli strikes hit Rafah", "Overnight."),
                    ("Markets rally in Tokyo", "Stocks."),
                    ("Rafah residents flee south", "Families packed."),
                    ("Football: Gaza FC wins the cup", "Sport."),
                    ("Rafah crossing reopens", "Trucks wait."),
                    ("Hamas issues statement", "A statement."),
                ]))
        _ = try dir.write("corpus/feeds/desk.xml", Self.rss("Desk own title", [("Tokyo markets open", "Early.")]))
        let labels = try dir.write(
            "corpus/labels.jsonl",
            """
            {"file": "feeds/one.xml", "index": 0, "title": "ignored", "topics": {"gaza": true, "desk-only": false}, "borderline": false}
            {"file": "feeds/one.xml", "index": 1, "topics": {"gaza": false}, "note": "extra keys are ignored"}
            {"file": "feeds/one.xml", "index": 2, "topics": {"gaza": true}, "borderline": false}

            {"file": "feeds/one.xml", "index": 3, "topics": {"gaza": false}, "borderline": false}
            {"file": "feeds/one.xml", "index": 4, "topics": {"gaza": false, "desk-only": true}, "borderline": true}
            {"file": "feeds/one.xml", "index": 5, "topics": {"desk-only": false}}
            {"file": "feeds/desk.xml", "index": 0, "topics": {"gaza": false, "desk-only": true}}

            """)
        let config = try dir.write(
            "newswatch.toml",
            """
            [daemon]
            state_dir = "state"
            [[feeds]]
            path = "corpus/feeds/desk.xml"
            name = "Desk"
            [[topics]]
            id = "gaza"
            name = "Gaza"
            query = 'Gaza OR (Rafah AND strike*)'
            [[topics]]
            id = "desk-only"
            query = 'feed:Desk AND Tokyo'
            """)
        return (config, labels)
    }

    private func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func countsByHandInTheContractJSONShape() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (config, labels) = try setUp(dir)
        // Run from elsewhere: `file` is relative to the labels file's folder, not the working directory.
        let r = try NewswatchBinary.run(
            ["eval", labels.path, "--config", config.path, "--json"], currentDirectory: URL(fileURLWithPath: "/"))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasSuffix("}\n") && r.stdout.split(separator: "\n").count == 1)
        let json = try object(r.stdout)
        #expect(json.keys.sorted() == ["items", "misses", "scored", "topics"])
        #expect(json["items"] as? Int == 7)
        #expect(json["scored"] as? Int == 6)
        #expect((json["misses"] as? [Any])?.isEmpty == true)
        let topics = try #require(json["topics"] as? [[String: Any]])
        #expect(
            topics.map { $0.keys.sorted() }
                == Array(repeating: ["f1", "fn", "fp", "id", "positives", "precision", "recall", "tp"], count: 2))
        #expect(topics.map { $0["id"] as? String } == ["gaza", "desk-only"])
        #expect(
            topics.map { [$0["positives"], $0["tp"], $0["fp"], $0["fn"]].map { $0 as? Int } } == [
                [2, 1, 1, 1], [1, 1, 0, 0],
            ])
        #expect(
            topics.map { [$0["precision"], $0["recall"], $0["f1"]].map { ($0 as? NSNumber)?.doubleValue } } == [
                [0.5, 0.5, 0.5], [1, 1, 1],
            ])
    }

    @Test func missesNameTitlesAndTheQueryTermsThatOccurred() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (config, labels) = try setUp(dir)
        let r = try NewswatchBinary.run(["eval", labels.path, "--config", config.path, "--json", "--misses"])
        #expect(r.status == 0, "\(r.stderr)")
        let misses = try #require(try object(r.stdout)["misses"] as? [[String: Any]])
        #expect(
            misses.map { $0.keys.sorted() }
                == Array(repeating: ["file", "index", "kind", "terms", "title", "topic"], count: 2))
        #expect(misses.map { $0["kind"] as? String } == ["fn", "fp"])
        #expect(misses.map { $0["topic"] as? String } == ["gaza", "gaza"])
        #expect(misses.map { $0["file"] as? String } == ["feeds/one.xml", "feeds/one.xml"])
        #expect(misses.map { $0["index"] as? Int } == [2, 3])
        #expect(
            misses.map { $0["title"] as? String } == ["Rafah residents flee south", "Football: Gaza FC wins the cup"])
        #expect(misses.map { $0["terms"] as? [String] } == [["Rafah"], ["Gaza"]])

        let text = try NewswatchBinary.run(["eval", labels.path, "--config", config.path, "--misses"])
        #expect(text.status == 0)
        #expect(text.stdout.hasPrefix("items 7, scored 6\nTOPIC      POSITIVES  TP  FP  FN  PRECISION  RECALL  F1\n"))
        #expect(text.stdout.contains("gaza       2          1   1   1   0.500      0.500   0.500\n"))
        #expect(
            text.stdout.contains(
                "gaza: missed (fn), 1\n  feeds/one.xml#2  Rafah residents flee south\n    terms: Rafah\n"))
        #expect(
            text.stdout.contains("gaza: wrongly matched (fp), 1\n  feeds/one.xml#3  Football: Gaza FC wins the cup\n"))
        // Without --misses the text has only the table.
        let plain = try NewswatchBinary.run(["eval", labels.path, "--config", config.path])
        #expect(!plain.stdout.contains("missed"))
    }

    @Test func topicOptionScoresOneTopic() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (config, labels) = try setUp(dir)
        let r = try NewswatchBinary.run([
            "eval", labels.path, "--config", config.path, "--topic", "desk-only", "--json",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try object(r.stdout)
        #expect((json["topics"] as? [[String: Any]])?.map { $0["id"] as? String } == ["desk-only"])
        // Items labelled only for gaza (one#1, one#2, one#3) do not count for desk-only.
        #expect(json["scored"] as? Int == 3)
        let unknown = try NewswatchBinary.run(["eval", labels.path, "--config", config.path, "--topic", "nope"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("no topic 'nope'"))
    }

    @Test func malformedLinesExit65NamingFileAndLine() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (config, labels) = try setUp(dir)
        let good = #"{"file": "feeds/one.xml", "index": 0, "topics": {"gaza": true}}"#
        let cases: [(line: String, says: String)] = [
            ("not json", "not a JSON object"),
            (#"{"file": "feeds/one.xml", "index": "1", "topics": {"gaza": true}}"#, "\"index\""),
            (#"{"file": "feeds/one.xml", "index": -1, "topics": {"gaza": true}}"#, "\"index\""),
            (#"{"file": "feeds/one.xml", "index": 1, "topics": {"gaza": "yes"}}"#, "\"topics.gaza\""),
            (#"{"file": "feeds/one.xml", "index": 1}"#, "no \"topics\""),
            (#"{"index": 1, "topics": {}}"#, "no \"file\""),
            (#"{"file": "feeds/one.xml", "index": 1, "topics": {}, "borderline": "no"}"#, "\"borderline\""),
            (#"{"file": "feeds/one.xml", "index": 6, "topics": {"gaza": true}}"#, "past the end of feeds/one.xml"),
            (#"{"file": "feeds/broken.xml", "index": 0, "topics": {"gaza": true}}"#, "feeds/broken.xml"),
        ]
        _ = try dir.write("corpus/feeds/broken.xml", "this is not a feed")
        for c in cases {
            try Data((good + "\n\n" + c.line + "\n").utf8).write(to: labels)
            let r = try NewswatchBinary.run(["eval", labels.path, "--config", config.path])
            #expect(r.status == 65, "\(c.line): \(r.stderr)")
            #expect(r.stderr.hasPrefix("newswatch: \(labels.path):3: "), "\(r.stderr)")
            #expect(r.stderr.contains(c.says), "\(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
    }

    @Test func missingFilesExit66() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (config, labels) = try setUp(dir)
        try Data(#"{"file": "feeds/gone.xml", "index": 0, "topics": {"gaza": true}}"#.utf8).write(to: labels)
        let r = try NewswatchBinary.run(["eval", labels.path, "--config", config.path])
        #expect(r.status == 66)
        #expect(r.stderr.contains("\(labels.path):1: feed file feeds/gone.xml is missing"), "\(r.stderr)")
        let none = try NewswatchBinary.run(["eval", dir.file("none.jsonl").path, "--config", config.path])
        #expect(none.status == 66)
        #expect(none.stderr.contains("none.jsonl: no such labels file"))
        let usage = try NewswatchBinary.run(["eval", "--config", config.path])
        #expect(usage.status == 64)
    }
}
