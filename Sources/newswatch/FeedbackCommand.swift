import ArgumentParser
import NewswatchDaemon

/// `newswatch feedback ALERT_ID (--relevant | --irrelevant)`: a desk's verdict on one alert (CONTRACT §8).
struct FeedbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedback",
        abstract: "Record whether an alert was relevant to its topic; `eval --feedback` scores topics on verdicts.",
        discussion: """
            ALERT_ID is the alert's "id" (as in the alert files and sink payloads). A later verdict on the same \
            alert replaces the earlier one. Writes to the state database; safe beside the running daemon. \
            Exit 66 for an unknown alert id or no state database, 78 for a bad config.
            """)

    @Argument(help: "The alert's id.")
    var alertID: String

    @Flag(help: "The alert was about its topic.")
    var relevant = false

    @Flag(help: "The alert was not about its topic.")
    var irrelevant = false

    @Option(help: "A short note kept with the verdict.")
    var note: String?

    @OptionGroup var configOption: ConfigOption

    func validate() throws {
        guard relevant != irrelevant else { throw ValidationError("give exactly one of --relevant and --irrelevant") }
    }

    func run() async throws {
        do {
            Console.print(
                try await Commands.feedback(
                    configPath: configOption.config, alertID: alertID, relevant: relevant, note: note))
        } catch {
            throw Console.fail(error)
        }
    }
}
