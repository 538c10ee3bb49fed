import ArgumentParser
import NewswatchDaemon

/// `newswatch eval`: the configured topics scored against labelled items or the desk's verdicts (CONTRACT §8).
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score the configured topics against labelled feed items, or against the desk's alert verdicts.",
        discussion: """
            LABELS is JSON lines: {"file": "feeds/x.xml", "index": 3, "topics": {"gaza": true}, "borderline": \
            false}, file relative to the LABELS file's folder, index the item's 0-based position in the feed. \
            Borderline items are not scored; a topic absent from an item's topics is not scored for it. Prints \
            per topic positives, tp, fp, fn, precision, recall and F1 (--misses: every fn and fp with its title \
            and the query terms that occurred in it). The feeds are parsed and matched exactly as the daemon does.
            With --feedback instead of LABELS: scores the topics on the items of the alerts judged with \
            `newswatch feedback` (relevant: a positive of the alert's topic; irrelevant: a negative), optionally \
            only alerts detected within --since.
            Exit status: 65 a malformed labels line (named file:line) or feed, 66 a missing labels or feed file \
            (or no state database with --feedback), 64 an unknown --topic, 78 a bad config.
            """)

    @Argument(help: "The labels file (JSON lines).")
    var labels: String?

    @OptionGroup var configOption: ConfigOption

    @Option(help: "Score only this topic.")
    var topic: String?

    @Flag(help: "List every false negative and false positive with its title and the query terms that occurred.")
    var misses = false

    @Flag(help: "Print one JSON object (CONTRACT §8).")
    var json = false

    @Flag(help: "Score on the alerts the desk judged with `newswatch feedback` instead of a labels file.")
    var feedback = false

    @Option(help: "With --feedback: only alerts detected within this duration (such as 30d).")
    var since: String?

    func validate() throws {
        if feedback {
            guard labels == nil else { throw ValidationError("give LABELS or --feedback, not both") }
        } else {
            guard labels != nil else { throw ValidationError("give a LABELS file, or --feedback") }
            guard since == nil else { throw ValidationError("--since goes with --feedback") }
        }
    }

    func run() async throws {
        do {
            let input: Commands.EvalInput = labels.map { .labels($0) } ?? .feedback(since: since)
            Console.print(
                try await Commands.eval(
                    configPath: configOption.config, input: input, topic: topic, misses: misses, json: json))
        } catch {
            throw Console.fail(error)
        }
    }
}
