import Foundation
import NewswatchTestSupport
import Testing

/// `NEWSWATCH_TEST_NOW` (the test-only clock) never works silently: `run` logs a warning naming the variable and the
/// offset, `status` prints one on stderr; without it, neither says a word about it.
@Suite struct TestClockWarningTests {
    private static let variable = "NEWSWATCH_TEST_NOW"

    private func config(_ dir: TemporaryDirectory, _ server: LoopbackHTTPServer) throws -> URL {
        try dir.write(
            "newswatch.toml",
            """
            [daemon]
            state_dir = "state"
            output_dir = "out"
            allow_private_networks = true

            [[feeds]]
            url = "\(server.url("/wire.xml"))"
            name = "Wire"

            [[topics]]
            id = "gaza"
            query = "gaza"
            """)
    }

    @Test func runAndStatusWarnWhileTheTestClockIsSet() throws {
        let server = try LoopbackHTTPServer.start { _ in
            .ok("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Wire</title></channel></rss>")
        }
        defer { server.stop() }
        let dir = try TemporaryDirectory(prefix: "newswatch-testclock")
        defer { dir.remove() }
        let config = try config(dir, server)
        let shifted = [Self.variable: "2020-01-01T00:00:00Z"]

        let run = try NewswatchBinary.run(["run", "--once", "--config", config.path], environment: shifted)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("NEWSWATCH_TEST_NOW=2020-01-01T00:00:00Z is set"), "\(run.stderr)")
        #expect(run.stderr.contains("shifted by -"), "\(run.stderr)")

        let status = try NewswatchBinary.run(["status", "--config", config.path], environment: shifted)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stderr.contains("warning: NEWSWATCH_TEST_NOW=2020-01-01T00:00:00Z is set"), "\(status.stderr)")
        #expect(!status.stdout.contains(Self.variable))

        let unreadable = try NewswatchBinary.run(
            ["status", "--config", config.path], environment: [Self.variable: "tomorrow\u{1b}[31m"])
        #expect(unreadable.stderr.contains("NEWSWATCH_TEST_NOW=tomorrow??31m is set but is not an instant"))
        #expect(!unreadable.stderr.contains("\u{1b}"))

        let plainRun = try NewswatchBinary.run(["run", "--once", "--config", config.path])
        let plainStatus = try NewswatchBinary.run(["status", "--config", config.path])
        #expect(plainRun.status == 0 && plainStatus.status == 0)
        #expect(!plainRun.stderr.contains(Self.variable) && !plainStatus.stderr.contains(Self.variable))
    }
}
