import Foundation
import NewswatchCore
import NewswatchStore
import NewswatchSystem
import NewswatchTestSupport
import Testing

@testable import NewswatchAlerts

@Suite struct FileAlertSinkTests {
    /// 2026-11-24T21:30:00Z — already 2026-11-24T23:30 in Jerusalem; half an hour later it is the 25th there.
    static let t0 = Timestamp.date(year: 2026, month: 11, day: 24, hour: 21, minute: 30)
    static let jerusalem = TimeZone(identifier: "Asia/Jerusalem")!

    static let topics = [TopicDefinition(id: "gaza", name: "Gaza", query: "gaza", priority: .high)]
    static let matcher: @Sendable (ParsedItem) -> [TopicMatch] = { item in
        (item.title ?? "").contains("Gaza")
            ? [TopicMatch(topicID: "gaza", terms: [MatchedTerm(term: "Gaza", field: .title)])] : []
    }

    /// A store in `dir` whose feed is established; `ingest` adds one Gaza item per title at the given time.
    struct Fixture {
        let dir: TemporaryDirectory
        let store: SQLiteStore
        var alertsDir: URL { dir.url.appendingPathComponent("alerts") }

        init(busyTimeout: TimeInterval = 10) throws {
            dir = try TemporaryDirectory(prefix: "newswatch-filesink")
            store = try SQLiteStore(
                path: dir.file("state.sqlite").path, options: SQLiteStore.Options(busyTimeout: busyTimeout))
            _ = try store.ingest(batch(at: FileAlertSinkTests.t0.addingTimeInterval(-3600), titles: []))
        }

        func batch(at time: Date, titles: [String]) -> IngestBatch {
            IngestBatch(
                feed: FeedDescriptor(key: "https://f.example/rss", name: "F", url: "https://f.example/rss"),
                fetchedAt: time, httpStatus: 200, bodyHash: nil,
                items: titles.map {
                    ParsedItem(id: $0, title: $0, link: "https://f.example/\($0.hashValue)", published: time)
                },
                topics: FileAlertSinkTests.topics, sinks: [.file], backfill: 6 * 3600,
                matcher: FileAlertSinkTests.matcher)
        }

        @discardableResult
        func ingest(at time: Date, _ titles: String...) throws -> [Alert] {
            try store.ingest(batch(at: time, titles: titles)).alerts
        }

        func sink() -> FileAlertSink {
            FileAlertSink(outputDirectory: dir.url, timeZone: FileAlertSinkTests.jerusalem, store: store)
        }

        func lines(_ name: String) throws -> [String] {
            let text = try String(contentsOf: alertsDir.appendingPathComponent(name), encoding: .utf8)
            #expect(text.isEmpty || text.hasSuffix("\n"))
            return text.split(separator: "\n").map(String.init)
        }

        func pending() throws -> Int { try store.pendingDeliveries(sink: "file", dueAt: nil, limit: 100).count }
    }

    @Test func writesEachAlertOnceIntoTheFileOfItsDetectionDateInTheDigestZone() async throws {
        let f = try Fixture()
        defer { f.dir.remove() }
        let a = try f.ingest(at: Self.t0, "Gaza one", "Gaza two")
        let b = try f.ingest(at: Self.t0.addingTimeInterval(3600), "Gaza three")
        // Written a day later: the file is still the one of the detection date.
        let sink = f.sink()
        let written = try await sink.drain(at: Self.t0.addingTimeInterval(86400))
        #expect(written == a + b)
        #expect(try f.lines("2026-11-24.jsonl") == a.map(\.json.compact))
        #expect(try f.lines("2026-11-25.jsonl") == b.map(\.json.compact))
        #expect(try f.pending() == 0)
        // Nothing owed, nothing written.
        #expect(try await sink.drain(at: Self.t0.addingTimeInterval(90000)).isEmpty)
        #expect(try f.lines("2026-11-24.jsonl").count == 2)
        // Records carry the contract's keys in order.
        let first = try #require(try f.lines("2026-11-24.jsonl").first)
        #expect(
            first.hasPrefix("{\"id\":\"\(a[0].id)\",\"topic\":\"gaza\",\"topic_name\":\"Gaza\",\"priority\":\"high\","))
        #expect(first.contains("\"detected\":\"2026-11-24T21:30:00Z\""))
    }

    @Test func aTornLastLineIsCutAndTheAlertWrittenWhole() async throws {
        let f = try Fixture()
        defer { f.dir.remove() }
        let a = try f.ingest(at: Self.t0, "Gaza one")
        try await f.sink().drain(at: Self.t0)
        let b = try f.ingest(at: Self.t0.addingTimeInterval(60), "Gaza two")
        // A crash in the middle of writing b's line (its delivery stays pending).
        let file = f.alertsDir.appendingPathComponent("2026-11-24.jsonl")
        let handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(b[0].json.compact.prefix(40).utf8))
        try handle.close()
        // A restarted daemon: a new sink instance.
        let written = try await f.sink().drain(at: Self.t0.addingTimeInterval(120))
        #expect(written == b)
        #expect(try f.lines("2026-11-24.jsonl") == (a + b).map(\.json.compact))
        for line in try f.lines("2026-11-24.jsonl") {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil)
        }
    }

    @Test func aLineWrittenButNotMarkedIsNotWrittenAgain() async throws {
        let f = try Fixture()
        defer { f.dir.remove() }
        let a = try f.ingest(at: Self.t0, "Gaza one", "Gaza two")
        // The daemon wrote and fsynced both lines, then was killed before marking them delivered.
        try FileManager.default.createDirectory(at: f.alertsDir, withIntermediateDirectories: true)
        try Data(a.map { $0.json.compact + "\n" }.joined().utf8).write(
            to: f.alertsDir.appendingPathComponent("2026-11-24.jsonl"))
        #expect(try f.pending() == 2)
        let written = try await f.sink().drain(at: Self.t0.addingTimeInterval(60))
        #expect(written.isEmpty)
        #expect(try f.pending() == 0)
        #expect(try f.lines("2026-11-24.jsonl") == a.map(\.json.compact))
    }

    /// The index drops each id once the sink has marked it delivered, so a daemon's memory does not grow with the
    /// day's alerts (issue 18); an alert written but not marked stays in it until a later drain marks it.
    @Test func theIndexForgetsWhatIsMarkedAndKeepsWhatIsWrittenButNotMarked() async throws {
        let f = try Fixture(busyTimeout: 0.2)
        defer { f.dir.remove() }
        let sink = f.sink()
        let file = "2026-11-24.jsonl"
        var all = try f.ingest(at: Self.t0, "Gaza one", "Gaza two", "Gaza three")
        #expect(try await sink.drain(at: Self.t0) == all)
        #expect(sink.cachedIDCountForTesting(file) == 0)

        // Another process holds the write lock: the lines are written and fsynced, the mark fails.
        let more = try f.ingest(at: Self.t0.addingTimeInterval(60), "Gaza four", "Gaza five")
        all += more
        let lock = try SQLiteWriteLock(database: f.dir.file("state.sqlite").path)
        await #expect(throws: (any Error).self) { try await sink.drain(at: Self.t0.addingTimeInterval(60)) }
        lock.release()
        #expect(try f.lines(file) == all.map(\.json.compact))
        #expect(sink.cachedIDCountForTesting(file) == 2)
        #expect(try f.pending() == 2)

        // The next drain only marks them, and then forgets them.
        #expect(try await sink.drain(at: Self.t0.addingTimeInterval(120)).isEmpty)
        #expect(try f.pending() == 0)
        #expect(sink.cachedIDCountForTesting(file) == 0)
        #expect(try f.lines(file) == all.map(\.json.compact))

        // Many drains later the index is still empty between drains, and every alert is in the file once.
        for (round, place) in ["Rafah", "Khan Younis", "Jabalia", "Deir al-Balah", "Beit Lahia"].enumerated() {
            var fresh: [Alert] = []
            for i in 0..<40 {
                let title = "Gaza: \(place) brief \(i)"
                fresh += try f.ingest(at: Self.t0.addingTimeInterval(Double(180 + round * 60 + i)), title)
            }
            #expect(fresh.count > 16)
            all += fresh
            let at = Self.t0.addingTimeInterval(Double(300 + round * 60))
            #expect(try await sink.drain(at: at, batchSize: 16) == fresh)
            #expect(sink.cachedIDCountForTesting(file) == 0)
        }
        #expect(try f.lines(file) == all.map(\.json.compact))
    }

    @Test func aFileChangedBehindTheSinksBackIsReadAgain() async throws {
        let f = try Fixture()
        defer { f.dir.remove() }
        let sink = f.sink()
        let a = try f.ingest(at: Self.t0, "Gaza one")
        try await sink.drain(at: Self.t0)
        let b = try f.ingest(at: Self.t0.addingTimeInterval(60), "Gaza two")
        // Another writer (an earlier process) appended b's line while this sink had the file indexed.
        let handle = try FileHandle(forWritingTo: f.alertsDir.appendingPathComponent("2026-11-24.jsonl"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((b[0].json.compact + "\n").utf8))
        try handle.close()
        #expect(try await sink.drain(at: Self.t0.addingTimeInterval(120)).isEmpty)
        #expect(try f.lines("2026-11-24.jsonl") == (a + b).map(\.json.compact))
    }

    @Test func drainsInBatchesAndCreatesTheAlertsDirectory() async throws {
        let f = try Fixture()
        defer { f.dir.remove() }
        #expect(!FileManager.default.fileExists(atPath: f.alertsDir.path))
        let titles = (0..<25).map { "Gaza report number \($0) from the strip" }
        var all: [Alert] = []
        for (i, t) in titles.enumerated() { all += try f.ingest(at: Self.t0.addingTimeInterval(Double(i)), t) }
        #expect(all.count == 25)
        let written = try await f.sink().drain(at: Self.t0.addingTimeInterval(100), batchSize: 7)
        #expect(written == all)
        #expect(try f.lines("2026-11-24.jsonl") == all.map(\.json.compact))
        #expect(try f.pending() == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func aDrainWaitsWhileAnotherDaemonHoldsTheFolderLock() async throws {
        let f = try Fixture()
        defer { f.dir.remove() }
        let a = try f.ingest(at: Self.t0, "Gaza one")
        // Another daemon sharing this output_dir is in the middle of its append.
        let other = try FolderLockHolder(directory: f.alertsDir)
        let drain = Task { [sink = f.sink()] in try await sink.drain(at: Self.t0) }
        try await Task.sleep(for: .milliseconds(500))
        let file = f.alertsDir.appendingPathComponent("2026-11-24.jsonl")
        #expect(!FileManager.default.fileExists(atPath: file.path), "wrote while another daemon held the lock")
        other.release()
        #expect(try await drain.value == a)
        #expect(try f.lines("2026-11-24.jsonl") == a.map(\.json.compact))
        // The lock file is hidden and is no alerts file.
        let names = try FileManager.default.contentsOfDirectory(atPath: f.alertsDir.path).sorted()
        #expect(names == [FolderLock.fileName, "2026-11-24.jsonl"])
    }

    @Test func alertIDExtraction() {
        #expect(FileAlertSink.alertID(in: Data(#"{"id":"abc","topic":"x"}"#.utf8)) == "abc")
        #expect(FileAlertSink.alertID(in: Data(#"{"topic":"x","id":"def"}"#.utf8)) == "def")
        #expect(FileAlertSink.alertID(in: Data(#"{"id":"a\"b"}"#.utf8)) == "a\"b")
        #expect(FileAlertSink.alertID(in: Data("not json".utf8)) == nil)
    }
}
