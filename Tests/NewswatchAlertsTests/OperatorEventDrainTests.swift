import Foundation
import Logging
import NewswatchCore
import NewswatchStore
import NewswatchTestSupport
import Testing

@testable import NewswatchAlerts

/// The events file (CONTRACT §10): each event once, in the file of its day in the digest time zone, even when a
/// crash came between writing a line and marking it written.
@Suite struct OperatorEventDrainTests {
    static let at = Timestamp.date(year: 2026, month: 11, day: 24, hour: 23, minute: 30)

    static func event(_ kind: OperatorEventKind, feed: String) -> OperatorEvent {
        OperatorEvent(
            id: "\(kind.rawValue)-\(feed)", kind: kind, feed: feed, url: nil, since: at.addingTimeInterval(-7200),
            error: "HTTP 500", at: at)
    }

    @Test func eachEventOnceInTheFileOfItsDayEvenAfterACrashBeforeTheMark() async throws {
        let dir = try TemporaryDirectory(prefix: "newswatch-events")
        defer { dir.remove() }
        let store = try SQLiteStore(path: dir.file("state/newswatch.sqlite").path)
        let drain = OperatorEventDrain(
            outputDirectory: dir.url, timeZone: TimeZone(identifier: "Europe/Berlin")!, store: store,
            logger: Logger(label: "newswatch.test.events"))
        let first = Self.event(.feedDown, feed: "Wire")
        try store.raiseEvent(first, subject: "feed:wire", routes: [])
        // A previous life wrote the line, then died before marking it written.
        let file = dir.url.appendingPathComponent("events/2026-11-25.jsonl")
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data((first.json.compact + "\n").utf8).write(to: file)
        let second = Self.event(.feedDown, feed: "Desk")
        try store.raiseEvent(second, subject: "feed:desk", routes: [])

        try await drain.drain(sinks: [], at: Self.at)
        try await drain.drain(sinks: [], at: Self.at)
        let text = String(decoding: try Data(contentsOf: file), as: UTF8.self)
        #expect(text == first.json.compact + "\n" + second.json.compact + "\n")
        #expect(try store.pendingEvents(sink: SinkRoute.fileSinkID, dueAt: nil, limit: 10).isEmpty)
    }

    @Test func twoEventsThatReadAlikeAreTwoLines() async throws {
        let dir = try TemporaryDirectory(prefix: "newswatch-events")
        defer { dir.remove() }
        let store = try SQLiteStore(path: dir.file("state/newswatch.sqlite").path)
        let drain = OperatorEventDrain(
            outputDirectory: dir.url, timeZone: TimeZone(identifier: "UTC")!, store: store,
            logger: Logger(label: "newswatch.test.events"))
        // Two webhook sinks on one host, failing on the same oldest alert with the same error.
        var first = Self.event(.sinkFailing, feed: "webhook http://127.0.0.1")
        first.id = "sink-a"
        var second = first
        second.id = "sink-b"
        try store.raiseEvent(first, subject: "sink:webhook:a", routes: [])
        try store.raiseEvent(second, subject: "sink:webhook:b", routes: [])

        try await drain.drain(sinks: [], at: Self.at)
        let file = dir.url.appendingPathComponent("events/2026-11-24.jsonl")
        let lines = String(decoding: try Data(contentsOf: file), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 2, "\(lines)")
        #expect(lines.map { $0.hasPrefix(#"{"id":"sink-"#) } == [true, true], "\(lines)")
    }

    @Test(.timeLimit(.minutes(1)))
    func aDrainWaitsWhileAnotherDaemonHoldsTheEventsFolderLock() async throws {
        let dir = try TemporaryDirectory(prefix: "newswatch-events")
        defer { dir.remove() }
        let store = try SQLiteStore(path: dir.file("state/newswatch.sqlite").path)
        let drain = OperatorEventDrain(
            outputDirectory: dir.url, timeZone: TimeZone(identifier: "UTC")!, store: store,
            logger: Logger(label: "newswatch.test.events"))
        let event = Self.event(.feedDown, feed: "Wire")
        try store.raiseEvent(event, subject: "feed:wire", routes: [])
        // Another daemon sharing this output_dir is replacing the day's file right now.
        let other = try FolderLockHolder(directory: dir.url.appendingPathComponent("events"))
        let pass = Task { try await drain.drain(sinks: [], at: Self.at) }
        try await Task.sleep(for: .milliseconds(500))
        let file = dir.url.appendingPathComponent("events/2026-11-24.jsonl")
        #expect(!FileManager.default.fileExists(atPath: file.path), "replaced while another daemon held the lock")
        other.release()
        try await pass.value
        #expect(String(decoding: try Data(contentsOf: file), as: UTF8.self) == event.json.compact + "\n")
    }
}
