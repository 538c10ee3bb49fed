import Foundation
import NewswatchTestSupport
import Testing

@testable import NewswatchDaemon

/// The library side of the CLI: each command's one function returns what to print or a `CommandError` with the
/// CONTRACT §1 exit status, and every command finds the state database through `StatePaths`.
@Suite(.timeLimit(.minutes(1)))
struct CommandsTests {
    @Test func aQueryTrialPrintsTheMatchedTermsOrNoMatch() async throws {
        let hit = await Commands.match(
            configPath: nil, input: .query("gaza AND title:ceasefire", title: "Ceasefire talks", text: "In Gaza"),
            topic: nil, json: false)
        #expect(try hit.map { try $0.get() } == [CommandOutput("match\nterms: ceasefire (title), gaza (summary)\n")])
        let miss = await Commands.match(
            configPath: nil, input: .query("gaza", title: nil, text: "Kyiv"), topic: nil, json: false)
        #expect(try miss.map { try $0.get() } == [CommandOutput("no match\n")])
    }

    @Test func aQueryThatDoesNotParseIsAUsageError() async {
        let results = await Commands.match(
            configPath: nil, input: .query("gaza AND", title: nil, text: "x"), topic: nil, json: false)
        guard results.count == 1, case .failure(let error) = results[0] else {
            Issue.record("expected one failure, got \(results)")
            return
        }
        #expect(error.exitCode == 64)
        #expect(error.lines.count == 1 && error.lines[0].hasSuffix("; fix the query and try again"))
    }

    @Test func aMissingConfigFileIsExit66ForEveryCommandThatReadsIt() async throws {
        let dir = try TemporaryDirectory(prefix: "newswatch-commands")
        let missing = dir.file("absent.toml").path
        await #expect(throws: CommandError.self) { try await Commands.status(configPath: missing, json: false) }
        do {
            _ = try Commands.checkConfig(configPath: missing)
            Issue.record("check-config loaded a missing file")
        } catch {
            #expect(error.exitCode == 66)
        }
        let matched = await Commands.match(configPath: missing, input: .sources(["a.xml"]), topic: nil, json: false)
        guard case .failure(let error) = matched.first else {
            Issue.record("match loaded a missing config")
            return
        }
        #expect(error.exitCode == 66 && matched.count == 1)
    }

    @Test func statusWithoutADatabaseWarnsAndShowsTheConfiguredFeeds() async throws {
        let dir = try TemporaryDirectory(prefix: "newswatch-commands")
        let config = try dir.write(
            "newswatch.toml",
            """
            [daemon]
            state_dir = "state"

            [[feeds]]
            url = "https://alpha.example/rss"
            name = "Alpha"
            """)
        let output = try await Commands.status(configPath: config.path, json: false)
        #expect(output.warnings.count == 1)
        #expect(output.warnings.first?.hasPrefix("no state database at ") == true)
        #expect(output.warnings.first?.contains("/state/newswatch.sqlite yet") == true)
        #expect(output.format == .text && output.text.contains("Alpha"))
    }

    @Test func aDigestDateMustBeARealDate() {
        #expect(Commands.digestDateProblem("2026-02-28") == nil)
        #expect(
            Commands.digestDateProblem("2026-02-30")
                == "--date must be a real date written YYYY-MM-DD, not '2026-02-30'")
    }
}
