import ArgumentParser
import NewswatchDaemon

/// `newswatch parse SOURCE [--json] [--allow-private-networks]` and `parse --brief SOURCE...` (CONTRACT §1–2).
struct ParseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse one feed (a file, - for stdin, or an http(s) URL) and print what newswatch reads in it.",
        discussion: """
            Exit status: 0 parsed (recovered problems are warned about on stderr), 65 not a usable feed, \
            66 file missing or unreadable, 69 source unreachable. With --brief, one line per source and the \
            status of the first source that failed.
            """)

    @Argument(
        help: ArgumentHelp(
            "A feed file, '-' for standard input, or an http(s) URL (several with --brief).", valueName: "source"))
    var sources: [String]

    @Flag(help: "Print the parsed feed as JSON (CONTRACT §2).")
    var json = false

    @Flag(help: "One line per source: format, item count and warnings, or the error.")
    var brief = false

    @Flag(help: "Allow a URL source that resolves to a loopback, private or link-local address.")
    var allowPrivateNetworks = false

    func validate() throws {
        if brief && json { throw ValidationError("--brief and --json cannot be combined.") }
        if !brief && sources.count != 1 { throw ValidationError("Give one SOURCE (or several with --brief).") }
    }

    func run() async throws {
        if brief {
            let failure = await Commands.parseBrief(
                sources: sources, allowPrivateNetworks: allowPrivateNetworks, write: Console.output)
            if let failure { throw Console.fail(failure) }
            return
        }
        do {
            Console.print(
                try await Commands.parse(
                    source: sources[0], json: json, allowPrivateNetworks: allowPrivateNetworks))
        } catch {
            throw Console.fail(error)
        }
    }
}

extension ParseCommand {
    /// `parse --brief` with many sources (a folder's worth), or `nil` for every other command line; flags take no
    /// values (`ManySourcesCommandLine`).
    static func parsingManySources(_ arguments: [String]) throws -> ParseCommand? {
        guard let line = ManySourcesCommandLine(arguments, command: "parse", valueOptions: []),
            line.options.contains("--brief"), var command = try line.parsed(as: ParseCommand.self)
        else { return nil }
        command.sources = line.sources
        try command.validate()
        return command
    }
}
