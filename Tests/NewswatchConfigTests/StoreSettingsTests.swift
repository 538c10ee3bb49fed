import Foundation
import Testing

@testable import NewswatchConfig

/// The `[store]` table (CONTRACT §9): SQLite by default, a PostgreSQL URL without a password, a lease.
@Suite struct StoreSettingsTests {
    private func parse(_ text: String, files: [String: String] = [:]) throws -> NewswatchConfig {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("newswatch-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, content) in files {
            let url = dir.appendingPathComponent(name)
            try content.write(to: url, atomically: true, encoding: .utf8)
            _ = chmod(url.path, 0o600)
        }
        let path = dir.appendingPathComponent("newswatch.toml")
        try text.write(to: path, atomically: true, encoding: .utf8)
        return try ConfigLoader.load(file: path, queries: ConfigTestSupport.queries).config
    }

    @Test func withoutAStoreTableTheStoreIsSQLite() throws {
        let config = try parse("[[feeds]]\nurl = \"https://a.example/rss\"\n")
        #expect(config.store.url == nil && !config.store.isShared)
        #expect(config.store.lease.seconds == 120)
    }

    @Test func aPostgreSQLURLWithPasswordFileAndLease() throws {
        let config = try parse(
            """
            [store]
            url = "postgresql://newswatch@db.example.org:5432/newswatch"
            password_file = "./db.secret"
            lease = "90s"
            """, files: ["db.secret": "s3cret\n"])
        #expect(config.store.url == "postgresql://newswatch@db.example.org:5432/newswatch")
        #expect(config.store.passwordFile?.lastPathComponent == "db.secret")
        #expect(config.store.lease.seconds == 90 && config.store.isShared)
    }

    @Test(arguments: [
        ("mysql://u@h/db", "is not a PostgreSQL URL"),
        ("postgresql://u:hunter2@h/db", "must not carry a password"),
        ("postgresql://h/db", "needs a user and a host"),
        ("postgresql://u@h/", "needs one database name"),
    ])
    func aBadURLIsOneErrorAtItsLineAndNeverEchoesAPassword(url: String, problem: String) throws {
        do {
            _ = try parse("[store]\nurl = \"\(url)\"\n")
            Issue.record("accepted \(url)")
        } catch let error as ConfigError {
            #expect(error.description.contains(problem), "\(error)")
            #expect(error.description.contains("store.url"), "\(error)")
            #expect(!error.description.contains("hunter2"), "\(error)")
        }
    }

    @Test func aLeaseOutsideTenSecondsToAnHourAndUnknownKeysAreErrors() throws {
        #expect(throws: ConfigError.self) { try parse("[store]\nlease = \"5s\"\n") }
        #expect(throws: ConfigError.self) { try parse("[store]\nlease = \"2h\"\n") }
        #expect(throws: ConfigError.self) { try parse("[store]\nuri = \"postgresql://u@h/db\"\n") }
    }
}
