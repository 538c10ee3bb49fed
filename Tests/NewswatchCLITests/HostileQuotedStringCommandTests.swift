import Foundation
import NewswatchTestSupport
import Testing

/// Issue 13 (the shared TOML lexer): a multi-line string that ends in quotes of its own no longer hides the next
/// line's table header from the guard, so a keyless header after it is a config error, not toml++'s abort.
@Suite struct HostileQuotedStringCommandTests {
    @Test func aHeaderAfterAStringEndingInQuotesIsAConfigErrorNotAnAbort() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let config = try dir.write("quotes.toml", "a = \"\"\"x\"\"\"\"\n[=]\n")
        let r = try NewswatchBinary.run(["check-config", "--config", config.path], timeout: 30)
        #expect(r.status == 78, "\(r.status) \(r.stderr.prefix(300))")
        #expect(r.stderr.contains("quotes.toml:2:"), "\(r.stderr.prefix(300))")
    }
}
