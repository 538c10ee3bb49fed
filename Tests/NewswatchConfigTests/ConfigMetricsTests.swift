import Foundation
import NewswatchConfig
import Testing

/// `[metrics] listen` (CONTRACT §11): off when absent, `HOST:PORT` otherwise, errors with file and line.
@Suite struct ConfigMetricsTests {
    @Test func listenIsOffWhenAbsentAndParsedWhenSet() throws {
        #expect(try ConfigTestSupport.load("[daemon]\ninterval = \"5m\"\n").config.metrics.listen == nil)
        let v4 = try ConfigTestSupport.load("[metrics]\nlisten = \"127.0.0.1:9464\"\n").config.metrics.listen
        #expect(v4 == MetricsListen(host: "127.0.0.1", port: 9464))
        let v6 = try ConfigTestSupport.load("[metrics]\nlisten = \"[::1]:9100\"\n").config.metrics.listen
        #expect(v6 == MetricsListen(host: "::1", port: 9100))
        #expect(v6?.description == "[::1]:9100")
        let name = try ConfigTestSupport.load("[metrics]\nlisten = \"localhost:1\"\n").config.metrics.listen
        #expect(name == MetricsListen(host: "localhost", port: 1))
    }

    @Test(arguments: [
        "9464", "127.0.0.1", "127.0.0.1:", ":9464", "127.0.0.1:0", "127.0.0.1:65536", "::1:9464",
        "[::1]9464", "[]:9464", "127.0.0.1:94a4", "127.0.0.1:+94", "http://127.0.0.1:9464",
    ])
    func aListenThatIsNotHostColonPortIsAnErrorOnItsLine(listen: String) throws {
        let e = try ConfigTestSupport.error("[daemon]\ninterval = \"5m\"\n\n[metrics]\nlisten = \"\(listen)\"\n")
        #expect(e.kind == .invalidValue, "\(e)")
        #expect(e.line == 5, "\(e)")
        #expect(e.description.contains("newswatch.toml:5"), "\(e)")
        #expect(e.description.contains("HOST:PORT"), "\(e)")
    }

    @Test func unknownKeysAndWrongTypesInMetricsAreErrors() throws {
        let unknown = try ConfigTestSupport.error("[metrics]\nlisten = \"127.0.0.1:9464\"\nport = 9464\n")
        #expect(unknown.kind == .unknownKey && unknown.line == 3, "\(unknown)")
        let wrong = try ConfigTestSupport.error("[metrics]\nlisten = 9464\n")
        #expect(wrong.kind == .wrongType && wrong.line == 2, "\(wrong)")
    }
}
