import Foundation
import NewswatchTestSupport
import Testing

@testable import NewswatchStore

@Suite struct PostgresLocationTests {
    @Test func parsesTheContractsURL() throws {
        let l = try PostgresLocation(url: "postgresql://newswatch@db.example.org:5433/news")
        #expect(l == PostgresLocation(user: "newswatch", host: "db.example.org", port: 5433, database: "news"))
        #expect(try PostgresLocation(url: "postgres://u@h/d").port == 5432)
        #expect(l.redacted == "postgresql://newswatch@db.example.org:5433/news")
    }

    @Test(arguments: [
        "postgresql://u:secret@h/d", "postgresql://h/d", "postgresql://u@h", "postgresql://u@h/", "mysql://u@h/d",
        "postgresql://u@h/d?sslmode=require", "postgresql://u@h/a/b", "not a url",
    ])
    func refusesWhatItCannotUse(url: String) throws {
        let error = try #require(throws: StoreError.self) { try PostgresLocation(url: url) }
        #expect(error.kind == .invalidArgument && !error.description.contains("secret"))
    }

    @Test func readsThePasswordFileFirstLine() throws {
        let dir = try TemporaryDirectory(prefix: "newswatch-pgpass")
        defer { dir.remove() }
        let file = try dir.write("db.secret", "s3cr3t pass\nignored\n")
        let l = try PostgresLocation(url: "postgresql://u@h/d", passwordFile: file.path)
        #expect(l.password == "s3cr3t pass" && !l.redacted.contains("s3cr3t"))
        let missing = try #require(throws: StoreError.self) {
            try PostgresLocation(url: "postgresql://u@h/d", passwordFile: dir.file("none").path)
        }
        #expect(missing.kind == .open)
    }
}
