import ArgumentParser
import Logging
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
        do {
            Console.print(try await Commands.demo(output: output, logger: Logger(label: "newswatch")))
        } catch {
            throw Console.fail(error)
        }
    }
}
