import ArgumentParser
import NewswatchDaemon

/// `newswatch parse SOURCE [--json] [--allow-private-networks]` (CONTRACT §1–2).
struct ParseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse one feed (a file, - for stdin, or an http(s) URL) and print what newswatch reads in it.",
        discussion: """
            Exit status: 0 parsed (recovered problems are warned about on stderr), 65 not a usable feed, \
            66 file missing or unreadable, 69 source unreachable.
            """)

    @Argument(help: "A feed file, '-' for standard input, or an http(s) URL.")
    var source: String

    @Flag(help: "Print the parsed feed as JSON (CONTRACT §2).")
    var json = false

    @Flag(help: "Allow a URL source that resolves to a loopback, private or link-local address.")
    var allowPrivateNetworks = false

    func run() async throws {
        do {
            Console.print(
                try await Commands.parse(source: source, json: json, allowPrivateNetworks: allowPrivateNetworks))
        } catch {
            throw Console.fail(error)
        }
    }
}
