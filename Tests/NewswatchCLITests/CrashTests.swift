import Foundation
import NewswatchTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The crash test (issue 5, CONTRACT §4; grown to 100 kills by issue 19): the built daemon, killed with SIGKILL at
/// random moments over a changing feed world and restarted each time, writes exactly the alerts an uninterrupted run
/// writes — nothing missing, nothing twice — and leaves no torn line behind. The kills land at start-up, in fetches,
/// parses and ingests, in alert-file appends and in webhook deliveries (a loopback receiver is the config's webhook
/// sink).
///
/// Seeded: set `NEWSWATCH_CRASH_SEED` to replay a failing run (the seed is printed with the summary).
@Suite struct CrashTests {
    static let generations = 20
    static let killsPerGeneration = 5

    static func config(
        _ dir: TemporaryDirectory, _ server: LoopbackHTTPServer, _ world: CrashWorld, webhook: String
    ) throws -> URL {
        var text = """
            [daemon]
            state_dir = "state"
            output_dir = "out"
            allow_private_networks = true
            interval = "1s"
            backfill = "6h"
            log_level = "info"

            [digest]
            timezone = "UTC"

            [[topics]]
            id = "gaza"
            name = "Gaza"
            query = 'Gaza OR Rafah'
            escalate_sources = 2

            [[topics]]
            id = "markets"
            name = "Markets"
            query = 'market* OR stocks'

            [[topics]]
            id = "storm"
            name = "Storms"
            query = 'storm OR flood*'

            [[alerts.sinks]]
            type = "webhook"
            url = "\(webhook)"

            """
        for feed in CrashWorld.feedNames {
            text += "\n[[feeds]]\nurl = \"\(server.url(world.path(feed)))\"\nname = \"\(feed)\"\n"
        }
        return try dir.write("newswatch.toml", text)
    }

    /// Alert ids a life logged as written (`alert=<id>` on its `alert:` lines).
    static func loggedAlertIDs(_ log: String) -> Set<String> {
        var ids = Set<String>()
        for line in log.split(separator: "\n") where line.contains(" alert: ") || line.contains(": alert: ") {
            for token in line.split(separator: " ") where token.hasPrefix("alert=") {
                ids.insert(String(token.dropFirst("alert=".count)).trimmingCharacters(in: ["\""]))
            }
        }
        return ids
    }

    /// Feeds a life logged as ingested (`fetched … feed=<name>`).
    static func fetchedFeeds(_ log: String) -> Set<String> {
        var feeds = Set<String>()
        for line in log.split(separator: "\n") where line.contains(": fetched") {
            for token in line.split(separator: " ") where token.hasPrefix("feed=") {
                feeds.insert(String(token.dropFirst("feed=".count)).trimmingCharacters(in: ["\""]))
            }
        }
        return feeds
    }

    /// An alert line without its `detected` time (the one field that depends on when it was written).
    static func comparable(_ line: AlertFiles.Line) -> String {
        var object = line.object
        object.removeValue(forKey: "detected")
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// The uninterrupted run: one clean `run --once` per generation. Same server as the crash run, since feed URLs
    /// are part of what names a story.
    /// Returns its alert lines, each with the generation that brought it.
    static func referenceRun(_ world: CrashWorld, _ server: LoopbackHTTPServer, webhook: String) async throws
        -> [(line: AlertFiles.Line, generation: Int)]
    {
        let dir = try TemporaryDirectory(prefix: "newswatch-crash-reference")
        defer { dir.remove() }
        let cfg = try config(dir, server, world, webhook: webhook)
        var result: [(line: AlertFiles.Line, generation: Int)] = []
        for g in 0..<generations {
            world.reveal(g)
            let run = try await DaemonProcess.run(
                ["run", "--once", "--config", cfg.path], logFile: dir.file("reference-\(g).log"))
            #expect(run.status == 0 && !run.wasSignalled, "reference round \(g): \(run.log)")
            let known = Set(result.map(\.line.id))
            for line in AlertFiles.lines(in: dir.url.appendingPathComponent("out/alerts"))
            where !known.contains(line.id) {
                result.append((line, g))
            }
        }
        return result
    }

    /// Leaves what a kill in the middle of writing `line` would leave: its first bytes, without a newline, at the
    /// end of today's alert file.
    static func tearLine(_ line: AlertFiles.Line, in directory: URL, rng: inout SeededRandom) throws {
        let bytes = Array(line.text.utf8)
        let cut = 1 + Int(rng.next() % UInt64(max(1, bytes.count - 2)))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: Date())
        let name = String(format: "%04d-%02d-%02d.jsonl", c.year ?? 0, c.month ?? 0, c.day ?? 0)
        let path = directory.appendingPathComponent(name).path
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(bytes.prefix(cut)))
    }

    /// How long a life runs before its kill, drawn from `rng`. A quarter of the kills at any moment from start-up on
    /// (config, migrations, first fetches); half soon after the first feed request, where fetches, parses, ingests
    /// and alert appends happen; a quarter soon after the first webhook POST of the life, inside deliveries.
    static func waitForKillMoment(
        life: Int, daemon: DaemonProcess, world: CrashWorld, receiver: CrashWebhookReceiver, rng: inout SeededRandom
    ) async throws {
        let mode = rng.next() % 4
        let pause = rng.next()
        if mode == 0 {
            try await Task.sleep(nanoseconds: pause % 350_000_000)
            return
        }
        let deadline = Date().addingTimeInterval(mode == 3 ? 3 : 10)
        while daemon.isRunning && Date() < deadline {
            let started =
                mode == 3 ? !receiver.arrivals(inLife: life).isEmpty : !world.served(inLife: life).isEmpty
            if started { break }
            try await Task.sleep(nanoseconds: 2_000_000)
        }
        try await Task.sleep(nanoseconds: pause % (mode == 3 ? 60_000_000 : 150_000_000))
    }

    @Test func sigkillAtRandomMomentsNeitherLosesNorDoublesAnAlert() async throws {
        let seed =
            ProcessInfo.processInfo.environment["NEWSWATCH_CRASH_SEED"].flatMap { UInt64($0) } ?? 0x5EED_C4A5_0001
        // Items are dated relative to now, so both runs see the same (recent) documents.
        let base = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let world = CrashWorld(seed: seed, base: base, generations: Self.generations)
        let server = try LoopbackHTTPServer.start(handler: world.handle)
        defer { server.stop() }
        let receiver = try CrashWebhookReceiver(world: world)
        defer { receiver.stop() }
        world.beginLife(-1)
        let referenceByGeneration = try await Self.referenceRun(world, server, webhook: receiver.url)
        let reference = referenceByGeneration.map(\.line)
        let dir = try TemporaryDirectory(prefix: "newswatch-crash")
        defer { dir.remove() }
        let cfg = try Self.config(dir, server, world, webhook: receiver.url)
        let alertsDir = dir.url.appendingPathComponent("out/alerts")
        try FileManager.default.createDirectory(at: dir.file("logs"), withIntermediateDirectories: true)

        var rng = SeededRandom(seed: seed)
        var tally = CrashTally(seed: seed)
        var life = 0
        var killedLives = Set<Int>()
        var idsInFiles = Set<String>()
        for g in 0..<Self.generations {
            world.reveal(g)
            var killed = 0
            var attempts = 0
            while killed < Self.killsPerGeneration && attempts < 4 * Self.killsPerGeneration {
                attempts += 1
                life += 1
                tally.lives += 1
                world.beginLife(life)
                let continuous = rng.next() % 2 == 0
                let arguments = ["run", "--config", cfg.path] + (continuous ? [] : ["--once"])
                let tailsBefore = AlertFiles.tornTails(in: alertsDir)
                let daemon = try DaemonProcess(arguments, logFile: dir.file("logs/life-\(life).log"))
                try await Self.waitForKillMoment(
                    life: life, daemon: daemon, world: world, receiver: receiver, rng: &rng)
                let killAt = LoopbackHTTPServer.now()
                let landed = daemon.send(SIGKILL)
                await daemon.waitForExit(timeout: 10)
                // A POST the dead daemon had sent may still sit in the receiver's socket: let it be read (and counted
                // for this life) before the next life begins.
                try await Task.sleep(nanoseconds: 20_000_000)
                let log = daemon.log
                guard landed && daemon.wasSignalled else {
                    // A `--once` round that finished first: a clean exit, which must be a success.
                    tally.exitedBeforeKill += 1
                    #expect(daemon.status == 0, "life \(life) exited \(daemon.status): \(log)")
                    idsInFiles = Set(AlertFiles.lines(in: alertsDir).map(\.id))
                    continue
                }
                killed += 1
                killedLives.insert(life)
                tally.kills += 1
                if continuous { tally.continuousKills += 1 } else { tally.onceKills += 1 }
                let served = world.served(inLife: life)
                if served.isEmpty { tally.killsBeforeAnyRequest += 1 }
                let bodies = Set(served.filter { $0.status == 200 }.map(\.feed))
                if !bodies.subtracting(Self.fetchedFeeds(log)).isEmpty { tally.killsMidIngest += 1 }
                let nowInFiles = Set(AlertFiles.lines(in: alertsDir).map(\.id))
                if !nowInFiles.subtracting(idsInFiles).subtracting(Self.loggedAlertIDs(log)).isEmpty {
                    tally.killsMidDrain += 1
                }
                if receiver.arrivals(inLife: life).contains(where: {
                    $0.receivedAt + CrashWebhookReceiver.answerDelay > killAt
                }) {
                    tally.killsMidDelivery += 1
                }
                idsInFiles = nowInFiles
                let tails = AlertFiles.tornTails(in: alertsDir)
                if tails.contains(where: { tailsBefore[$0.key] != $0.value }) { tally.tornLines += 1 }
                if tails.isEmpty && rng.next() % 3 == 0 {
                    // Kills this short of a write hardly ever tear a line for real; every third kill leaves the
                    // torn start of an alert this generation owes (or will owe), as a kill inside write(2) would.
                    let owed = referenceByGeneration.filter { $0.generation == g && !nowInFiles.contains($0.line.id) }
                    if !owed.isEmpty {
                        try Self.tearLine(owed[Int(rng.next() % UInt64(owed.count))].line, in: alertsDir, rng: &rng)
                        tally.tornLinesLeft += 1
                    }
                }
            }
            // The generation ends with a restart that is allowed to finish.
            life += 1
            world.beginLife(life)
            let clean = try await DaemonProcess.run(
                ["run", "--once", "--config", cfg.path], logFile: dir.file("logs/life-\(life).log"))
            tally.cleanRuns += 1
            #expect(clean.status == 0 && !clean.wasSignalled, "clean run after generation \(g): \(clean.log)")
            idsInFiles = Set(AlertFiles.lines(in: alertsDir).map(\.id))
        }
        let arrivals = receiver.all.filter { $0.life > 0 }
        Self.countWebhookDuplicates(arrivals, killedLives: killedLives, into: &tally)
        print("crash test: \(tally); reference alerts \(reference.count), webhook arrivals \(arrivals.count)")

        #expect(tally.kills >= 100, "\(tally)")
        Self.expectFileSinkMatches(reference, in: alertsDir)
        Self.expectWebhookDeliveredAtLeastOnce(reference, arrivals: arrivals, killedLives: killedLives)

        // The reference itself is what the world means: each story alerted once per topic, the stale items not.
        #expect(reference.count > 300, "the world should produce hundreds of alerts, got \(reference.count)")
        // Gaza stories that a second feed carries alert once more (`escalate_sources = 2`), once (CONTRACT §10).
        let updates = reference.filter { $0.object["kind"] as? String == "update" }
        #expect(!updates.isEmpty, "no story escalated")
        #expect(updates.allSatisfy { $0.object["sources"] as? Int == 2 && $0.object["previous_sources"] as? Int == 1 })
        let firstAlerts = reference.filter { $0.object["kind"] as? String == "new" }
        let storyTopics = firstAlerts.map {
            "\($0.object["story"] as? String ?? "")/\($0.object["topic"] as? String ?? "")"
        }
        #expect(Set(storyTopics).count == firstAlerts.count)
        let titleTopics = firstAlerts.map { "\($0.title)/\($0.object["topic"] as? String ?? "")" }
        #expect(Set(titleTopics).count == firstAlerts.count, "a copy carried by a second feed alerted again")
        #expect(firstAlerts.allSatisfy { !world.staleTitles.contains($0.title) }, "a three-day-old item alerted")
        let flakyTitles = Set(world.titlesByFeed["flaky"] ?? [])
        #expect(firstAlerts.contains { flakyTitles.contains($0.title) }, "the failing feed's items never alerted")
    }

    /// After the final clean run the file sink holds no torn line, every line a whole alert, each alert once: exactly
    /// the uninterrupted run's alerts, field for field (but `detected`).
    static func expectFileSinkMatches(_ reference: [AlertFiles.Line], in alertsDir: URL) {
        for (name, data) in AlertFiles.files(in: alertsDir) {
            #expect(data.last == UInt8(ascii: "\n"), "\(name) does not end in a newline")
        }
        let lines = AlertFiles.lines(in: alertsDir)
        #expect(lines.allSatisfy { !$0.id.isEmpty }, "a line is not an alert")
        let ids = lines.map(\.id)
        var seen = Set<String>()
        let twice = ids.filter { !seen.insert($0).inserted }
        let noneTwice = twice.isEmpty
        #expect(noneTwice, "\(twice.count) alerts written twice, e.g. \(twice.prefix(3))")
        let referenceIDs = Set(reference.map(\.id))
        let missing = referenceIDs.subtracting(ids)
        let extra = Set(ids).subtracting(referenceIDs)
        let missingLines = reference.filter { missing.contains($0.id) }.prefix(3).map(\.text)
        let extraLines = lines.filter { extra.contains($0.id) }.prefix(3).map(\.text)
        let noneMissing = missing.isEmpty
        #expect(noneMissing, "\(missing.count) alerts missing, e.g. \(missingLines)")
        let noneExtra = extra.isEmpty
        #expect(noneExtra, "\(extra.count) alerts not in the reference, e.g. \(extraLines)")
        let differing = Set(lines.map(comparable)).symmetricDifference(reference.map(comparable))
        let sameFields = differing.isEmpty
        #expect(
            sameFields, "\(differing.count) alert lines differ from the reference, e.g. \(Array(differing.prefix(2)))")
    }

    /// The kills after which the receiver got a life's last alert again: a POST that arrived but whose delivery the
    /// kill kept from being recorded.
    static func countWebhookDuplicates(
        _ arrivals: [CrashWebhookReceiver.Arrival], killedLives: Set<Int>, into tally: inout CrashTally
    ) {
        var counts: [String: Int] = [:]
        for arrival in arrivals { counts[arrival.alertID, default: 0] += 1 }
        tally.webhookDuplicates = counts.values.reduce(0) { $0 + $1 - 1 }
        for life in killedLives {
            guard let last = arrivals.last(where: { $0.life == life }) else { continue }
            if arrivals.contains(where: { $0.life > life && $0.alertID == last.alertID }) {
                tally.killsAfterPostBeforeRecord += 1
            }
        }
    }

    /// The webhook receiver got every alert of the uninterrupted run, and nothing else, at least once.
    ///
    /// At least once is the honest guarantee for an HTTP sink: the daemon records a delivery only after the
    /// receiver's 2xx, so a kill after the POST arrived and before the record is written leaves the delivery owed, and
    /// the next life posts it again. Recording first would turn that duplicate into a loss. The sink delivers one
    /// alert at a time and records it before the next POST, so only the last alert a killed life posted can come
    /// again, once per such kill; receivers drop the repeat by the alert's stable `id` (also sent as
    /// `X-Newswatch-Alert-ID`).
    static func expectWebhookDeliveredAtLeastOnce(
        _ reference: [AlertFiles.Line], arrivals: [CrashWebhookReceiver.Arrival], killedLives: Set<Int>
    ) {
        let referenceIDs = Set(reference.map(\.id))
        let received = Set(arrivals.map(\.alertID))
        let missing = referenceIDs.subtracting(received)
        let noneMissing = missing.isEmpty
        #expect(noneMissing, "the webhook never got \(missing.count) alerts, e.g. \(missing.prefix(3))")
        let extra = received.subtracting(referenceIDs)
        let noneExtra = extra.isEmpty
        #expect(noneExtra, "the webhook got \(extra.count) alerts not in the reference, e.g. \(extra.prefix(3))")
        var counts: [String: Int] = [:]
        for arrival in arrivals { counts[arrival.alertID, default: 0] += 1 }
        var interrupted: [String: Int] = [:]
        for life in killedLives {
            if let last = arrivals.last(where: { $0.life == life }) { interrupted[last.alertID, default: 0] += 1 }
        }
        let unexplained = counts.filter { $0.value - 1 > interrupted[$0.key] ?? 0 }
        let noUnexplained = unexplained.isEmpty
        let examples = unexplained.prefix(3).map { "\($0.key) ×\($0.value)" }
        let why = "\(unexplained.count) alerts posted again without a kill between their POST and its record"
        #expect(noUnexplained, "\(why), e.g. \(examples)")
        let duplicates = counts.values.reduce(0) { $0 + $1 - 1 }
        #expect(duplicates <= killedLives.count, "\(duplicates) duplicate POSTs for \(killedLives.count) kills")
    }
}
