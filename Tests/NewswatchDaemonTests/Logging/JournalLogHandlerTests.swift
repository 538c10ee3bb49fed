import Foundation
import Logging
import NewswatchCore
import NewswatchTestSupport
import Testing

@testable import NewswatchDaemon

/// Lines a handler wrote, collected for assertions.
private final class LineCollector: @unchecked Sendable {
    // Owner: `lock` guards `lines`.
    private let lock = NSLock()
    private var storage: [String] = []
    func append(_ text: String) { lock.withLock { storage.append(text) } }
    var lines: [String] { lock.withLock { storage } }
}

@Suite struct JournalLogHandlerTests {
    private let noon = Timestamp.date(year: 2026, month: 11, day: 25, hour: 12)

    @Test func plainLinesCarryTimestampLevelAndLabel() {
        let line = JournalLogHandler.formatLine(
            level: .info, message: "feed fetched", metadata: ["status": "200", "feed": "bbc"], label: "newswatch",
            date: noon, format: .plain)
        #expect(line == "2026-11-25T12:00:00Z info newswatch: feed fetched feed=bbc status=200")
    }

    @Test func journalLinesCarryPriorityPrefixAndNoTimestamp() {
        let line = JournalLogHandler.formatLine(
            level: .warning, message: "feed failed", metadata: ["url": "https://example.org/rss"],
            label: "newswatch", date: noon, format: .journal)
        #expect(line == "<4>newswatch: feed failed url=https://example.org/rss")
    }

    @Test func priorityMapping() {
        let expected: [Logger.Level: Int] = [
            .trace: 7, .debug: 7, .info: 6, .notice: 5, .warning: 4, .error: 3, .critical: 2,
        ]
        for (level, priority) in expected {
            #expect(JournalLogHandler.syslogPriority(level) == priority, "\(level)")
            let line = JournalLogHandler.formatLine(
                level: level, message: "m", metadata: [:], label: "newswatch", date: nil, format: .journal)
            #expect(line == "<\(priority)>newswatch: m")
        }
    }

    @Test func metadataIsSortedByKeyWhateverTheInsertionOrder() {
        let keys = ["url", "feed", "status", "bytes", "duration_ms", "topic"]
        var first: String?
        for _ in 0..<5 {
            var metadata: Logger.Metadata = [:]
            for key in keys.shuffled() { metadata[key] = "v" }
            let line = JournalLogHandler.formatLine(
                level: .info, message: "m", metadata: metadata, label: "newswatch", date: noon, format: .plain)
            #expect(line.hasSuffix("m bytes=v duration_ms=v feed=v status=v topic=v url=v"))
            if let first { #expect(line == first) } else { first = line }
        }
    }

    @Test func newlinesAreEscapedSoOneEventIsOneLine() {
        let line = JournalLogHandler.formatLine(
            level: .error, message: "bad feed\nsecond line\r\n\tthird", metadata: ["error": "line 1\nline 2"],
            label: "newswatch", date: noon, format: .journal)
        #expect(!line.contains("\n") && !line.contains("\r") && !line.contains("\t"))
        #expect(line == #"<3>newswatch: bad feed\nsecond line\r\n\tthird error="line 1\nline 2""#)
    }

    @Test func valuesThatAreNotOneTokenAreQuoted() {
        let line = JournalLogHandler.formatLine(
            level: .info, message: "m",
            metadata: [
                "a": "two words", "b": "", "c": #"say "hi""#, "d": "x=y", "e": #"back\slash"#, "f": "plain-token",
                "g": "Israel–Gaza", "h": .array(["1", "2"]), "i": .dictionary(["z": "1", "y": "2"]),
            ],
            label: "newswatch", date: noon, format: .plain)
        #expect(
            line == "2026-11-25T12:00:00Z info newswatch: m a=\"two words\" b=\"\" c=\"say \\\"hi\\\"\" d=\"x=y\" "
                + "e=\"back\\\\slash\" f=plain-token g=Israel–Gaza h=\"[1, 2]\" i=\"[y: 2, z: 1]\"")
    }

    @Test func handlerMergesMetadataAndWritesOneLinePerEvent() {
        let collector = LineCollector()
        var handler = JournalLogHandler(
            label: "newswatch", format: .plain, level: .debug, writer: { collector.append($0) }, now: { [noon] in noon }
        )
        handler[metadataKey: "feed"] = "bbc"
        var logger = Logger(label: "newswatch") { _ in handler }
        logger.logLevel = .info
        logger.debug("hidden")
        logger.info("fetched", metadata: ["status": "304", "feed": "bbc-world"])
        logger.error("failed\ntwice")
        #expect(
            collector.lines == [
                "2026-11-25T12:00:00Z info newswatch: fetched feed=bbc-world status=304\n",
                "2026-11-25T12:00:00Z error newswatch: failed\\ntwice feed=bbc\n",
            ])
    }

    @Test func journalFormatIsChosenOnlyWhenJournalStreamIsThisDescriptor() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let file = try dir.write("stream", "")
        let fd = open(file.path, O_WRONLY)
        #expect(fd >= 0)
        defer { close(fd) }
        let identity = try #require(LogStreamIdentity.of(fileDescriptor: fd))
        let matching = "\(identity.device):\(identity.inode)"
        #expect(
            JournalLogHandler.Format.detect(environment: ["JOURNAL_STREAM": matching], fileDescriptor: fd) == .journal)
        #expect(
            JournalLogHandler.Format.detect(
                environment: ["JOURNAL_STREAM": "\(identity.device):\(identity.inode + 1)"], fileDescriptor: fd)
                == .plain)
        #expect(JournalLogHandler.Format.detect(environment: [:], fileDescriptor: fd) == .plain)
        #expect(
            JournalLogHandler.Format.detect(environment: ["JOURNAL_STREAM": "garbage"], fileDescriptor: fd) == .plain)
        // A closed descriptor is never the journal.
        #expect(
            JournalLogHandler.Format.detect(environment: ["JOURNAL_STREAM": matching], fileDescriptor: 999) == .plain)
    }

    @Test func journalStreamParsing() {
        #expect(LogStreamIdentity(journalStream: "8:12345") == LogStreamIdentity(device: 8, inode: 12345))
        #expect(LogStreamIdentity(journalStream: "8:") == nil)
        #expect(LogStreamIdentity(journalStream: "8") == nil)
        #expect(LogStreamIdentity(journalStream: "a:b") == nil)
        #expect(LogStreamIdentity(journalStream: "1:2:3") == nil)
    }

    @Test func logLevelNames() {
        #expect(NewswatchLogging.levelNames == ["trace", "debug", "info", "notice", "warning", "error", "critical"])
        for name in NewswatchLogging.levelNames {
            #expect(NewswatchLogging.level(named: name)?.rawValue == name)
        }
        #expect(NewswatchLogging.level(named: "WARNING") == .warning)
        #expect(NewswatchLogging.level(named: "warn") == .warning)
        #expect(NewswatchLogging.level(named: "verbose") == nil)
        #expect(NewswatchLogging.level(named: "") == nil)
    }

    @Test func feedTextCannotFakeAField() {
        // A title or a parser warning holding ` feed=… status=…` must not read as fields of its own.
        let line = JournalLogHandler.formatLine(
            level: .notice, message: "feed recovered: bad \"x\" feed=fake status=200",
            metadata: ["feed": "real", "title": "Gaza feed=fake status=500 \u{1B}[2J"], label: "newswatch", date: noon,
            format: .journal)
        #expect(
            line == #"<5>newswatch: "feed recovered: bad \"x\" feed=fake status=200" feed=real "#
                + #"title="Gaza feed=fake status=500 \u{1B}[2J""#)
        // Fields are read back only outside quotes: exactly the two real ones.
        var fields: [String] = []
        var quoted = false
        var escaped = false
        var token = ""
        for ch in line + " " {
            if escaped {
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else if ch == "\"" {
                quoted.toggle()
            } else if ch == " ", !quoted {
                if !token.hasPrefix("\""), let eq = token.firstIndex(of: "=") { fields.append(String(token[..<eq])) }
                token = ""
                continue
            }
            token.append(ch)
        }
        #expect(fields == ["feed", "title"])
    }
}
