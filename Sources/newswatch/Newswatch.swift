import ArgumentParser

/// The `newswatch` command: a newsroom monitoring daemon and its tools (CONTRACT §1).
@main
struct Newswatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "newswatch",
        abstract: "Watch news feeds for the topics your desk covers; alert on new stories, write daily digests.",
        version: NewswatchVersion.string,
        subcommands: [
            RunCommand.self, DemoCommand.self, ParseCommand.self, MatchCommand.self, DigestCommand.self,
            StatusCommand.self, CheckConfigCommand.self, EvalCommand.self, FeedbackCommand.self, StoreCommand.self,
        ]
    )

    /// ArgumentParser's own entry point, except for `parse --brief` and `match` over many sources
    /// (`ManySourcesCommandLine`).
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            if let parse = try ParseCommand.parsingManySources(arguments) {
                try await parse.run()
                return
            }
            if let match = try MatchCommand.parsingManySources(arguments) {
                try await match.run()
                return
            }
        } catch {
            exit(withError: error)
        }
        await main(arguments)
    }
}

enum NewswatchVersion {
    static let string = "0.1.0"
}
