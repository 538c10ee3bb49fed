import Foundation
import NewswatchTestSupport
import Testing

/// Secret files through the built binary (CONTRACT §7): one that group `newswatch` could read stops `check-config`
/// and `run` with 78 and the key's file:line; a private file or a systemd credential (`$CREDENTIALS_DIRECTORY`)
/// works.
@Suite struct SecretFileCommandTests {
    /// A config with one signed webhook whose `secret_file` is `secretFile`.
    static func config(_ dir: TemporaryDirectory, secretFile: String) throws -> URL {
        try dir.write(
            "newswatch.toml",
            """
            [daemon]
            state_dir = "state"

            [[alerts.sinks]]
            type = "webhook"
            url = "https://hooks.example.org/desk"
            secret_file = "\(secretFile)"
            """)
    }

    static func secret(_ dir: TemporaryDirectory, _ name: String, mode: Int) throws -> URL {
        let file = try dir.write(name, "hmac-key\n")
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file.path)
        return file
    }

    @Test func aGroupReadableSecretIsRefusedWithItsLine() throws {
        let dir = try TemporaryDirectory(prefix: "newswatch-secret")
        defer { dir.remove() }
        let secret = try Self.secret(dir, "webhook.secret", mode: 0o640)
        let config = try Self.config(dir, secretFile: secret.path)
        for command in [["check-config"], ["run", "--once"]] {
            let r = try NewswatchBinary.run(command + ["--config", config.path])
            #expect(r.status == 78, "\(command): \(r.stderr)")
            let first = r.stderr.split(separator: "\n").first ?? ""
            #expect(first.hasPrefix("newswatch: \(config.path):7: alerts.sinks[0].secret_file: "), "\(r.stderr)")
            #expect(first.contains("chmod 600") && first.contains("LoadCredential="), "\(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.file("state").path), "run stopped before starting")
    }

    @Test func aPrivateSecretFileWorks() throws {
        let dir = try TemporaryDirectory(prefix: "newswatch-secret")
        defer { dir.remove() }
        let secret = try Self.secret(dir, "webhook.secret", mode: 0o600)
        let r = try NewswatchBinary.run(["check-config", "--config", Self.config(dir, secretFile: secret.path).path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("webhook: https://hooks.example.org/… (format json; signed"), "\(r.stdout)")
    }

    @Test func aBareNameIsReadFromTheCredentialsDirectory() throws {
        let dir = try TemporaryDirectory(prefix: "newswatch-secret")
        defer { dir.remove() }
        let credentials = try TemporaryDirectory(prefix: "newswatch-credentials")
        defer { credentials.remove() }
        _ = try Self.secret(credentials, "webhook.secret", mode: 0o400)
        let config = try Self.config(dir, secretFile: "webhook.secret")

        let withCredentials = try NewswatchBinary.run(
            ["check-config", "--config", config.path], environment: ["CREDENTIALS_DIRECTORY": credentials.path])
        #expect(withCredentials.status == 0, "\(withCredentials.stderr)")
        #expect(withCredentials.stdout.contains("signed"), "\(withCredentials.stdout)")

        // Outside the unit: no $CREDENTIALS_DIRECTORY, so the name means nothing; the message says what to do.
        let without = try NewswatchBinary.run(
            ["check-config", "--config", config.path], environment: ["CREDENTIALS_DIRECTORY": ""])
        #expect(without.status == 78, "\(without.stderr)")
        #expect(without.stderr.hasPrefix("newswatch: \(config.path):7: alerts.sinks[0].secret_file: "))
        #expect(without.stderr.contains("LoadCredential=webhook.secret:"), "\(without.stderr)")
    }
}
