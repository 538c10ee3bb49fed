import Foundation
import NewswatchConfig
import NewswatchTestSupport
import Testing

/// Secret files and credentials in URLs (CONTRACT §4, §7): a secret that group `newswatch` (the editors) could read
/// is refused with file:line, a bare name is a systemd credential, and a feed is known without its user-info.
@Suite struct ConfigSecretFileTests {
    /// A directory holding `newswatch.toml` (with `toml`) and a secret file of `mode`; loads it with `environment`.
    private func load(
        _ toml: (URL) -> String, mode: Int = 0o600, environment: [String: String] = [:]
    ) throws -> Result<LoadedConfig, ConfigError> {
        let dir = try TemporaryDirectory(prefix: "newswatch-secret")
        defer { dir.remove() }
        let secret = try dir.write("keys/webhook.secret", "k3y\n")
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: secret.path)
        let file = try dir.write("newswatch.toml", toml(secret))
        do {
            return .success(
                try ConfigLoader.load(file: file, environment: environment, queries: ConfigTestSupport.queries))
        } catch {
            return .failure(error)
        }
    }

    private static func webhook(_ secretFile: String) -> String {
        "[[alerts.sinks]]\ntype = \"webhook\"\nurl = \"https://hooks.example.org/x\"\nsecret_file = \"\(secretFile)\"\n"
    }

    @Test(arguments: [0o640, 0o604, 0o644, 0o660, 0o602, 0o620, 0o666])
    func aSecretFileThatGroupOrOthersCanReadOrWriteIsRefused(mode: Int) throws {
        let result = try load({ Self.webhook($0.path) }, mode: mode)
        guard case .failure(let e) = result else {
            Issue.record("mode \(String(mode, radix: 8)) was accepted")
            return
        }
        #expect(e.kind == .exposedSecret)
        #expect(e.exitCode == 78)
        #expect(e.line == 4 && e.keyPath == "alerts.sinks[0].secret_file", "\(e)")
        #expect(e.description.contains("newswatch.toml:4: alerts.sinks[0].secret_file:"), "\(e)")
        #expect(e.message.contains("chmod 600") && e.message.contains("LoadCredential="), "\(e.message)")
        #expect(e.message.contains("mode 0\(String(mode, radix: 8))"), "\(e.message)")
    }

    @Test(arguments: [0o600, 0o400, 0o700])
    func aPrivateSecretFileIsAccepted(mode: Int) throws {
        let loaded = try load({ Self.webhook($0.path) }, mode: mode).get()
        guard case .webhook(let w) = loaded.config.sinks.first else {
            Issue.record("no webhook sink")
            return
        }
        #expect(w.secretFile?.lastPathComponent == "webhook.secret")
    }

    @Test func aPasswordFileIsCheckedTheSameWay() throws {
        let toml = { (secret: URL) in
            """
            [[alerts.sinks]]
            type = "email"
            url = "smtps://mail.example.org"
            from = "newswatch@example.org"
            to = ["desk@example.org"]
            username = "newswatch"
            password_file = "\(secret.path)"
            """
        }
        guard case .failure(let e) = try load(toml, mode: 0o640) else {
            Issue.record("a group-readable password_file was accepted")
            return
        }
        #expect(e.kind == .exposedSecret && e.line == 7 && e.keyPath == "alerts.sinks[0].password_file", "\(e)")
        _ = try load(toml, mode: 0o600).get()
    }

    @Test func aBareNameIsASystemdCredential() throws {
        let credentials = try TemporaryDirectory(prefix: "newswatch-credentials")
        defer { credentials.remove() }
        let secret = try credentials.write("webhook.secret", "k3y\n")
        let loaded = try load(
            { _ in Self.webhook("webhook.secret") }, environment: ["CREDENTIALS_DIRECTORY": credentials.path]
        ).get()
        guard case .webhook(let w) = loaded.config.sinks.first else {
            Issue.record("no webhook sink")
            return
        }
        #expect(w.secretFile == secret.standardizedFileURL)
    }

    @Test func aBareNameWithoutTheCredentialIsAConfigErrorSayingWhatToDo() throws {
        guard case .failure(let unset) = try load({ _ in Self.webhook("webhook.secret") }) else {
            Issue.record("a credential name without $CREDENTIALS_DIRECTORY was accepted")
            return
        }
        #expect(unset.kind == .missingFile && unset.exitCode == 78 && unset.line == 4, "\(unset)")
        #expect(unset.message.contains("$CREDENTIALS_DIRECTORY is not set"), "\(unset.message)")
        #expect(unset.message.contains("LoadCredential=webhook.secret:"), "\(unset.message)")

        let empty = try TemporaryDirectory(prefix: "newswatch-credentials")
        defer { empty.remove() }
        guard
            case .failure(let missing) = try load(
                { _ in Self.webhook("webhook.secret") }, environment: ["CREDENTIALS_DIRECTORY": empty.path])
        else {
            Issue.record("a missing credential was accepted")
            return
        }
        #expect(missing.kind == .missingFile && missing.line == 4, "\(missing)")
        #expect(missing.message.contains("no credential 'webhook.secret'"), "\(missing.message)")
    }

    @Test func feedsThatDifferOnlyInUserInfoAreOneFeed() throws {
        let e = try ConfigTestSupport.error(
            """
            [[feeds]]
            url = "https://alice:first-secret@feeds.example.org/desk.xml"

            [[feeds]]
            url = "https://bob:second-secret@feeds.example.org/desk.xml"
            """)
        #expect(e.kind == .duplicate && e.line == 4 && e.keyPath == "feeds[1]", "\(e)")
        #expect(e.description.contains("https://***@feeds.example.org/desk.xml"), "\(e)")
        for secret in ["alice", "bob", "first-secret", "second-secret"] { #expect(!e.description.contains(secret)) }
        let plain = try ConfigTestSupport.error(
            "[[feeds]]\nurl = \"https://u:p@feeds.example.org/x\"\n\n[[feeds]]\nurl = \"https://feeds.example.org/x\"\n"
        )
        #expect(plain.kind == .duplicate && plain.line == 4, "\(plain)")
    }

    @Test func aFeedIsKnownAndShownWithoutItsUserInfo() throws {
        let c = try ConfigTestSupport.load("[[feeds]]\nurl = \"https://u:s3cret@Feeds.Example.org/desk.xml\"\n").config
        let feed = try #require(c.feeds.first)
        #expect(feed.key == "https://feeds.example.org/desk.xml")
        #expect(feed.source.description == "https://***@Feeds.Example.org/desk.xml")
        guard case .url(let url) = feed.source else {
            Issue.record("not a URL feed")
            return
        }
        #expect(url.absoluteString.contains("u:s3cret@"), "the request still carries the credentials")
    }
}
