import Foundation
import Logging
import NewswatchAlerts
import NewswatchConfig
import NewswatchCore
import NewswatchDigest
import NewswatchStore

/// `newswatch demo`: the real pipeline — loopback HTTP, libcurl, libxml2, the matcher, SQLite, the file sink and
/// the digest writer — run once over the bundled sample feeds, offline (CONTRACT §1).
public enum DemoRunner {
    /// The bundled samples: file, outlet name, tags.
    static let outlets: [(file: String, name: String, tags: [String])] = [
        ("mideast-wire.xml", "Mideast Wire", ["middle-east"]),
        ("global-desk.xml", "Global Desk", ["world"]),
        ("capitol-report.xml", "Capitol Report", ["us"]),
        ("levant-daily.json", "Levant Daily", ["middle-east"]),
        ("europe-today.rdf", "Europe Today", ["world"]),
    ]

    /// What the demo did, for its closing summary.
    public struct Report: Sendable {
        public var round: RoundSummary
        public var alerts: [Alert]
        public var alertFiles: [URL]
        public var digestFiles: [URL]
        public var outputDirectory: URL
    }

    /// The marker that says a folder is a demo folder the demo may clear.
    static let marker = ".newswatch-demo"

    /// Runs the demo into `outputDirectory` (created; a previous demo's files there are replaced).
    public static func run(outputDirectory: URL, now: Date = Date(), logger: Logger) async throws -> Report {
        let fm = FileManager.default
        let dir = outputDirectory.standardizedFileURL
        try prepare(dir)

        // Serve the samples with dates relative to now, so the newest items are minutes old.
        var documents: [String: DemoFeedServer.Document] = [:]
        for (name, data) in EmbeddedDemoFeeds.files {
            let type = name.hasSuffix(".json") ? "application/feed+json" : "application/xml"
            documents["/" + name] = .init(body: DemoFeedTemplate.render(data, now: now), contentType: type)
        }
        let server = try DemoFeedServer(documents: documents)
        defer { server.stop() }

        let config = try demoConfig(directory: dir, server: server)
        let paths = StatePaths(config.daemon)
        try paths.create()
        let store = OffloadedStore(try SQLiteStore(path: paths.database.path))
        let plan = try DaemonPlan(config: config)
        let daemon = try Daemon(plan: plan, store: store, clock: SystemClock(), logger: logger)
        let round = try await daemon.runOnce()
        await daemon.shutdown()

        let sink = FileAlertSink(
            outputDirectory: config.daemon.outputDirectory, timeZone: config.digest.timeZone, store: store)
        let alerts = try await sink.drain(at: Date())
        let publisher = DigestPublisher(config: config, store: store, logger: logger)
        // The period under way: "what is known so far" (CONTRACT §5).
        let digestFiles = try await publisher.write(publisher.schedule.periodContaining(Date()))
        let alertFiles = ((try? fm.contentsOfDirectory(at: paths.alerts, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "jsonl" }.sorted { $0.path < $1.path }
        return Report(
            round: round, alerts: alerts, alertFiles: alertFiles, digestFiles: digestFiles, outputDirectory: dir)
    }

    /// Creates the folder, or clears a previous demo's files from it; refuses a non-empty folder that is not a demo's.
    static func prepare(_ dir: URL) throws {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: dir.path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw DemoError("\(dir.path) exists and is not a folder") }
            let contents = try fm.contentsOfDirectory(atPath: dir.path)
            if !contents.isEmpty && !contents.contains(marker) {
                throw DemoError(
                    "\(dir.path) is not empty and was not made by `newswatch demo`; choose another --output folder")
            }
            for name in contents where name != marker {
                try fm.removeItem(at: dir.appendingPathComponent(name))
            }
        } else {
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        try Data("This folder was written by `newswatch demo`; the next demo run replaces it.\n".utf8)
            .write(to: dir.appendingPathComponent(marker))
    }

    /// The embedded default config's topics and digest settings, with the samples as feeds and the demo folder as
    /// state and output. Backfill covers the samples' two days, so the round alerts on every matching item.
    static func demoConfig(directory: URL, server: DemoFeedServer) throws -> NewswatchConfig {
        let defaults = try ConfigLoader.parse(
            text: ConfigLoader.embeddedText, origin: .embedded, location: .embedded, baseDirectory: directory
        ).config
        var daemon = DaemonSettings(
            stateDirectory: directory, outputDirectory: directory, backfill: ConfigDuration(seconds: 3 * 86400),
            allowPrivateNetworks: true)
        daemon.concurrency = 8
        let feeds = outlets.map { outlet in
            FeedConfig(
                source: .url(URL(string: server.url("/" + outlet.file))!), name: outlet.name,
                interval: daemon.interval, tags: outlet.tags)
        }
        return NewswatchConfig(
            origin: .embedded, daemon: daemon, digest: DigestSettings(), feeds: feeds, topics: defaults.topics)
    }
}

/// The demo could not run.
public struct DemoError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
