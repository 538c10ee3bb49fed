import ArgumentParser
import Foundation
import Logging
import NewswatchCore
import NewswatchDaemon

/// `newswatch demo`: the real pipeline on bundled sample feeds, offline (CONTRACT §1).
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run newswatch once over bundled sample feeds served on loopback; write alerts and a digest.",
        discussion: "Needs no network beyond loopback. A previous demo's files in the folder are replaced.")

    @Option(name: .long, help: ArgumentHelp("Where to write the database, alerts and digest.", valueName: "dir"))
    var output = "newswatch-demo"

    func run() async throws {
        NewswatchLogging.bootstrap(level: .warning)
        let logger = Logger(label: "newswatch")
        let dir = URL(fileURLWithPath: output, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        let report: DemoRunner.Report
        do {
            report = try await DemoRunner.run(outputDirectory: dir, logger: logger)
        } catch {
            throw Console.fail(Exit.failure, "demo failed: \(error)")
        }
        Console.output(Self.summary(report))
    }

    static func summary(_ r: DemoRunner.Report) -> String {
        var out = "newswatch demo: polled \(r.round.feeds) sample feeds over loopback"
        out += " (\(r.round.newItems) items, \(r.round.failed) failed)\n\n"
        let byTopic = Dictionary(grouping: r.alerts, by: \.topicName)
        if r.alerts.isEmpty { out += "No alerts.\n" }
        for (topic, alerts) in byTopic.sorted(by: { $0.key < $1.key }) {
            out += "\(topic): \(alerts.count) alert\(alerts.count == 1 ? "" : "s")\n"
            for a in alerts {
                let sources = a.sources > 1 ? " [\(a.sources) sources]" : ""
                out += "  - \(a.title ?? "(untitled)") — \(a.feed)\(sources)\n"
                out += "    matched: \(a.terms.joined(separator: ", "))\n"
            }
            out += "\n"
        }
        out += "Files:\n"
        for f in r.alertFiles + r.digestFiles { out += "  \(f.path)\n" }
        out += """

            Next: edit topics and feeds in a config file (see Config/newswatch.toml), check it with
            `newswatch check-config --config FILE`, then run the daemon with `newswatch run --config FILE`
            (or install the systemd unit: README, "Running as a service").

            """
        return out
    }
}
