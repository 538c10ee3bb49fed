import Foundation
import NewswatchCore
import NewswatchTestSupport
import Testing

@testable import NewswatchAlerts

/// The rendered email read back by an independent, strict parser: Python's `email` package.
@Suite struct EmailMessageTests {
    private static let reader = """
        import email, json, sys
        from email import policy
        with open(sys.argv[1], "rb") as f:
            m = email.message_from_binary_file(f, policy=policy.strict)
        defects = [str(d) for d in m.defects]
        for name, value in m.items():
            defects += [str(d) for d in getattr(value, "defects", [])]
        print(json.dumps({
            "subject": str(m["subject"]), "from": str(m["from"]), "to": [str(a) for a in m["to"].addresses],
            "date": m["date"].datetime.isoformat(), "message_id": str(m["message-id"]),
            "content_type": m.get_content_type(), "charset": m.get_content_charset(),
            "body": m.get_content(), "defects": defects}))
        """

    private struct Parsed: Decodable {
        var subject: String
        var from: String
        var to: [String]
        var date: String
        var message_id: String
        var content_type: String
        var charset: String?
        var body: String
        var defects: [String]
    }

    private func parse(_ message: EmailMessage) throws -> Parsed {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let file = dir.file("message.eml")
        try message.rendered.write(to: file)
        let script = try dir.write("read.py", Self.reader)
        let process = Process()
        process.executableURL = URL(
            fileURLWithPath: try RequiredTool.path("python3", install: "apt-get install python3"))
        process.arguments = [script.path, file.path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return try JSONDecoder().decode(Parsed.self, from: data)
    }

    @Test func aMailReaderSeesWhatWeMeant() throws {
        let title =
            "Über 40 Tote bei Angriffen im Gazastreifen — „Waffenruhe“ in Reichweite? 🇮🇱 "
            + String(repeating: "x", count: 80)
        let alert = Alert.sample(
            title: title, summary: ".\nA line with only a dot above, = signs, trailing space \nand ümlauts.")
        let message = AlertPayload.email(
            .alert(alert), from: "newswatch@example.org", to: ["desk@example.org", "night@example.org"],
            date: Timestamp.date(year: 2026, month: 11, day: 25, hour: 12))
        let parsed = try parse(message)
        #expect(parsed.defects.isEmpty)
        #expect(parsed.subject == "[newswatch] Gaza war: " + title)
        #expect(parsed.from == "newswatch@example.org")
        #expect(parsed.to == ["desk@example.org", "night@example.org"])
        #expect(parsed.date == "2026-11-25T12:00:00+00:00")
        #expect(parsed.message_id == "<newswatch.alert.a1b2c3@example.org>")
        #expect(parsed.content_type == "text/plain" && parsed.charset == "utf-8")
        #expect(parsed.body == message.body)
    }

    @Test func aBatchParsesToo() throws {
        let alerts = (1...20).map { Alert.sample(id: "id\($0)", title: "Story number \($0) – “quoted”") }
        let message = AlertPayload.email(
            .batch(alerts), from: "n@example.org", to: ["d@example.org"],
            date: Timestamp.date(year: 2026, month: 11, day: 25, hour: 12))
        let parsed = try parse(message)
        #expect(parsed.defects.isEmpty)
        #expect(parsed.subject == "[newswatch] 20 alerts: Gaza war (20)")
        #expect(parsed.body == message.body)
    }
}
