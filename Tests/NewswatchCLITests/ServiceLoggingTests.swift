import Foundation
import NewswatchTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The daemon's stderr under journald and elsewhere (CONTRACT §7): `<N>` priority prefixes exactly when
/// `$JOURNAL_STREAM` names the stderr the process really has.
@Suite struct ServiceLoggingTests {
    /// Runs the daemon until it has fetched once, stops it, and returns its stderr lines.
    func daemonLines(journalStreamIsStderr: Bool, environment: [String: String] = [:]) async throws -> [Substring] {
        let world = try ServiceWorld()
        world.serve("/wire.xml", ServiceWorld.rss("Wire", [("w1", "Israeli strikes hit Rafah overnight")]))
        // A feed that fails, for a warning line.
        try world.writeConfig(
            feeds: [.init(name: "Wire", path: "/wire.xml"), .init(name: "Gone", path: "/gone.xml")],
            topics: [.init(id: "gaza", query: "Rafah")])
        let daemon = try world.startDaemon(environment: environment, journalStreamIsStderr: journalStreamIsStderr)
        defer { daemon.kill() }
        #expect(await world.waitForAlerts(timeout: 30) { $0.count == 1 }, "\(daemon.stderr)")
        #expect(await daemon.waitForStderr(containing: "feed failed", timeout: 10), "\(daemon.stderr)")
        daemon.signal(SIGTERM)
        #expect(await daemon.wait(timeout: 10)?.status == 0, "\(daemon.stderr)")
        return Service.lines(daemon.stderr)
    }

    @Test func journalPrefixesWhenJournalStreamIsStderr() async throws {
        let lines = try await daemonLines(journalStreamIsStderr: true)
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(line.wholeMatch(of: /<[0-7]>newswatch: \S.*/) != nil, "not a journal line: \(line)")
        }
        // Levels map to syslog priorities: info 6, notice 5 (an alert), warning 4 (a failing feed).
        #expect(lines.contains { $0.hasPrefix("<6>") && $0.contains("fetched") })
        #expect(lines.contains { $0.hasPrefix("<5>") && $0.contains("alert") && $0.contains("topic=gaza") })
        #expect(lines.contains { $0.hasPrefix("<4>") && $0.contains("feed failed") && $0.contains("feed=Gone") })
        // The journal keeps its own time: no timestamps in the lines.
        #expect(!lines.contains { $0.contains(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (info|notice|warning)/) })
    }

    @Test func plainTimestampedLinesWithoutJournalStream() async throws {
        let line = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (trace|debug|info|notice|warning|error|critical) newswatch: \S.*/
        for environment in [[:], ["JOURNAL_STREAM": "0:1"]] {
            // Unset, or inherited from a parent whose stderr was the journal but ours is not.
            let lines = try await daemonLines(journalStreamIsStderr: false, environment: environment)
            #expect(!lines.isEmpty)
            for l in lines {
                #expect(l.wholeMatch(of: line) != nil, "not a plain line: \(l)")
            }
            #expect(lines.contains { $0.contains(" warning newswatch: feed failed") })
        }
    }
}
