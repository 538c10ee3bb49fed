import Foundation
import NewswatchTestSupport
import Testing

/// `newswatch check-config`, run as a user runs it.
@Suite struct ConfigCheckCommandTests {
    @Test func aValidConfigPrintsItsSummaryAndExitsZero() throws {
        let dir = try TemporaryDirectory(prefix: "newswatch-check")
        defer { dir.remove() }
        try dir.write("wire.xml", "<rss version=\"2.0\"><channel><title>t</title></channel></rss>")
        let config = try dir.write(
            "newswatch.toml",
            """
            [daemon]
            state_dir = "state"
            interval = "5m"

            [[feeds]]
            url = "https://www.example.org/world/rss.xml"
            name = "Example World"
            tags = ["middle-east"]

            [[feeds]]
            path = "wire.xml"

            [[topics]]
            id = "gaza"
            name = "Gaza"
            query = 'Gaza OR Rafah'
            exclude = 'sport'
            priority = "high"

            [[alerts.sinks]]
            type = "webhook"
            url = "https://hooks.example.org/services/T0/B0/very-secret-token"
            format = "slack"
            """)
        let r = try NewswatchBinary.run(["check-config", "--config", config.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("config: \(config.path) (--config)"))
        #expect(r.stdout.contains("state_dir") && r.stdout.contains("/state"))
        #expect(
            r.stdout.contains("Example World: url https://www.example.org/world/rss.xml (every 5m; tags middle-east)"))
        #expect(r.stdout.contains("path \(dir.file("wire.xml").standardizedFileURL.path)"))
        #expect(r.stdout.contains("gaza: Gaza (priority high, alerts)"))
        #expect(r.stdout.contains("query:") && r.stdout.contains("Rafah"))
        #expect(r.stdout.contains("exclude:"))
        #expect(r.stdout.contains("webhook: https://hooks.example.org/… (format slack; topics all)"))
        #expect(!r.stdout.contains("very-secret-token"))
        #expect(r.stdout.hasSuffix("ok: 2 feeds, 1 topic, 2 sinks\n"))

        let viaEnvironment = try NewswatchBinary.run(
            ["check-config"], environment: ["NEWSWATCH_CONFIG": config.path])
        #expect(viaEnvironment.status == 0)
        #expect(viaEnvironment.stdout.contains("($NEWSWATCH_CONFIG)"))
    }

    @Test func aBadConfigExits78WithFileAndLineFirst() throws {
        let dir = try TemporaryDirectory(prefix: "newswatch-check")
        defer { dir.remove() }
        let config = try dir.write(
            "newswatch.toml", "[daemon]\ninterval = \"10m\"\nconcurency = 4\n\n[digest]\ntimezone = \"Mars/Base\"\n")
        let r = try NewswatchBinary.run(["check-config", "--config", config.path])
        #expect(r.status == 78)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("newswatch: \(config.path):3: daemon.concurency: unknown key") == true)
        #expect(lines.last?.hasPrefix("newswatch: \(config.path):6: digest.timezone:") == true)
        #expect(r.stdout.isEmpty)
    }

    @Test func aMissingNamedConfigExits66() throws {
        let r = try NewswatchBinary.run(["check-config", "--config", "/nonexistent/newswatch.toml"])
        #expect(r.status == 66)
        #expect(r.stderr.hasPrefix("newswatch: /nonexistent/newswatch.toml: no such config file"))
        let env = try NewswatchBinary.run(["check-config"], environment: ["NEWSWATCH_CONFIG": "/nonexistent/x.toml"])
        #expect(env.status == 66)
    }
}
