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
}

enum NewswatchVersion {
    static let string = "0.1.0"
}
