import Foundation
import NewswatchTestSupport
import Testing

/// The chat webhook formats through the built binary: config errors with file:line from `check-config`, and one
/// `run --once` from a loopback feed to loopback Teams, ntfy, Telegram and Matrix receivers (CONTRACT §10).
@Suite struct ChatSinkCommandTests {
    static let telegramToken = "4242:TelegramSECRETtoken"
    static let matrixToken = "syt_matrixSECRETtoken"

    @Test func missingChatIDRoomOrTokenAndUnknownFormatsAreConfigErrors() throws {
        let dir = try TemporaryDirectory(prefix: "newswatch-chat")
        defer { dir.remove() }
        let token = try dir.write("matrix.token", "t\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: token.path)
        let config = try dir.write(
            "newswatch.toml",
            """
            [daemon]
            state_dir = "state"

            [[alerts.sinks]]
            type = "webhook"
            format = "telegram"

            [[alerts.sinks]]
            type = "webhook"
            format = "matrix"
            url = "https://matrix.example.org"
            token_file = "\(token.path)"

            [[alerts.sinks]]
            type = "webhook"
            format = "telgram"
            url = "https://hooks.example.org/x"

            [[alerts.sinks]]
            type = "webhook"
            format = "slack"
            url = "https://hooks.example.org/x"
            room = "!a:example.org"
            """)
        let r = try NewswatchBinary.run(["check-config", "--config", config.path])
        #expect(r.status == 78, "\(r.stderr)")
        let lines = r.stderr.split(separator: "\n").map(String.init)
        let p = "newswatch: \(config.path):"
        #expect(
            lines.contains(
                p + "4: alerts.sinks[0]: missing key 'token_file': the file holding the telegram access token"))
        #expect(lines.contains { $0.hasPrefix(p + "4: alerts.sinks[0]: missing key 'chat_id'") }, "\(r.stderr)")
        #expect(lines.contains { $0.hasPrefix(p + "8: alerts.sinks[1]: missing key 'room'") }, "\(r.stderr)")
        #expect(
            lines.contains {
                $0.hasPrefix(
                    p + "16: alerts.sinks[2].format: 'telgram' is not a webhook format (did you mean 'telegram'?)")
            }, "\(r.stderr)")
        #expect(lines.contains { $0.hasPrefix(p + "23: alerts.sinks[3].room: room applies to format = matrix only") })
    }

    @Test func runOnceDeliversToEveryChatFormat() throws {
        let feed = RunOnceTests.rss(
            "Wire", [("w1", "Aid convoy reaches Gaza & Rafah", "https://wire.example/aid", 300)])
        let server = try LoopbackHTTPServer.start { request in
            request.path == "/wire.xml" ? .ok(feed) : .ok("{}")
        }
        defer { server.stop() }
        let dir = try TemporaryDirectory(prefix: "newswatch-chat")
        defer { dir.remove() }
        for (name, token) in [("telegram.token", Self.telegramToken), ("matrix.token", Self.matrixToken)] {
            let file = try dir.write(name, token + "\n")
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        }
        let config = try dir.write(
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
            name = "Gaza"
            query = 'Gaza OR Rafah'
            priority = "high"

            [[alerts.sinks]]
            type = "webhook"
            format = "teams"
            url = "\(server.url("/teams/hook"))"

            [[alerts.sinks]]
            type = "webhook"
            format = "ntfy"
            url = "\(server.url("/ntfy/newsdesk"))"

            [[alerts.sinks]]
            type = "webhook"
            format = "telegram"
            url = "\(server.url("/tg"))"
            token_file = "./telegram.token"
            chat_id = "@newsdesk"

            [[alerts.sinks]]
            type = "webhook"
            format = "matrix"
            url = "\(server.url("/"))"
            token_file = "./matrix.token"
            room = "!desk:example.org"
            """)
        let run = try NewswatchBinary.run(["run", "--once", "--config", config.path, "--log-level", "trace"])
        #expect(run.status == 0, "\(run.stderr)")
        let teams = try #require(server.requests(for: "/teams/hook").first)
        #expect(teams.method == "POST" && teams.bodyText.contains("\"application/vnd.microsoft.card.adaptive\""))
        let ntfy = try #require(server.requests(for: "/ntfy/newsdesk").first)
        #expect(ntfy.header("Title") == "Aid convoy reaches Gaza & Rafah" && ntfy.header("Priority") == "high")
        #expect(ntfy.header("Click") == "https://wire.example/aid" && ntfy.header("Tags") == "newspaper,gaza")
        let telegram = try #require(server.requests(for: "/tg/bot\(Self.telegramToken)/sendMessage").first)
        #expect(telegram.bodyText.contains("\"chat_id\":\"@newsdesk\""), "\(telegram.bodyText)")
        #expect(telegram.bodyText.contains("Aid convoy reaches Gaza &amp; Rafah"), "\(telegram.bodyText)")
        let matrix = try #require(server.requests.first { $0.path.hasPrefix("/_matrix/client/v3/rooms/") })
        #expect(matrix.method == "PUT" && matrix.header("Authorization") == "Bearer \(Self.matrixToken)")
        #expect(matrix.path.hasPrefix("/_matrix/client/v3/rooms/%21desk%3Aexample.org/send/m.room.message/newswatch-"))
        for request in [teams, ntfy, telegram, matrix] {
            for needle in ["Aid convoy reaches Gaza", "wire.example/aid", "Gaza", "Wire", "Rafah"] {
                #expect(request.bodyText.contains(needle), "\(request.path): \(needle)")
            }
        }

        let status = try NewswatchBinary.run(["status", "--config", config.path])
        let check = try NewswatchBinary.run(["check-config", "--config", config.path])
        #expect(check.stdout.contains("chat @newsdesk") && check.stdout.contains("room !desk:example.org"))
        for output in [run.stderr, run.stdout, status.stdout, check.stdout, check.stderr] {
            #expect(!output.contains("SECRET"), "a token leaked: \(output)")
        }
    }

    @Test func aTokenFileThatIsNotOneTokenStopsTheRunWithoutShowingIt() throws {
        let dir = try TemporaryDirectory(prefix: "newswatch-chat")
        defer { dir.remove() }
        // A space or a second line would split the Authorization header or the Telegram URL.
        let token = try dir.write("telegram.token", "4242:SECRET part\nsecond-line\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: token.path)
        let config = try dir.write(
            "newswatch.toml",
            """
            [daemon]
            state_dir = "state"
            output_dir = "out"

            [[alerts.sinks]]
            type = "webhook"
            format = "telegram"
            url = "http://127.0.0.1:9"
            token_file = "./telegram.token"
            chat_id = 1
            """)
        let r = try NewswatchBinary.run(["run", "--once", "--config", config.path])
        #expect(r.status == 66, "\(r.stderr)")
        #expect(r.stderr.contains("\(token.path): the token_file does not hold one token"), "\(r.stderr)")
        #expect(!r.stderr.contains("SECRET") && !r.stdout.contains("SECRET"))
    }
}
