import Foundation
import NewswatchConfig
import NewswatchTestSupport
import Testing

/// Issue 19 item 9: absurd durations and sizes passed `check-config` and then trapped at run time. Each duration,
/// size and count key has a sane range; outside it is a config error with file:line, exit 78.
@Suite struct ConfigBoundsTests {
    /// A key, a value beyond its range, and the maximum the message names.
    static let tooLong: [(table: String, key: String, value: String, maximum: String)] = [
        ("[daemon]", "interval", "99999999999w", "30d"),
        ("[daemon]", "retention", "3651d", "3650d"),
        ("[daemon]", "backfill", "9223372036854775807s", "365d"),
        ("[daemon]", "connect_timeout", "11m", "10m"),
        ("[daemon]", "timeout", "1000000000000000s", "1h"),
        ("[[feeds]]\nurl = \"https://a.example/rss\"", "interval", "31d", "30d"),
        ("[[alerts.sinks]]\ntype = \"exec\"\ncommand = [\"notify\"]", "timeout", "99999999999w", "1h"),
        (
            "[[alerts.sinks]]\ntype = \"email\"\nurl = \"smtp://mail.example\"\nfrom = \"a@example.org\"\n"
                + "to = [\"b@example.org\"]", "batch", "2d", "1d"
        ),
    ]

    @Test func durationsBeyondTheirRangeAreErrors() throws {
        for c in Self.tooLong {
            let toml = "\(c.table)\n\(c.key) = \"\(c.value)\"\n"
            let line = toml.split(separator: "\n", omittingEmptySubsequences: false).count - 1
            let e = try ConfigTestSupport.error(toml)
            #expect(e.kind == .badDuration, "\(c.key): \(e)")
            #expect(e.line == line, "\(c.key): \(e)")
            #expect(e.description.contains("at most \(c.maximum)"), "\(e)")
            #expect(e.exitCode == 78)
        }
        // The ends of each range are fine.
        let edge = try ConfigTestSupport.load(
            "[daemon]\ninterval = \"30d\"\nretention = \"3650d\"\nbackfill = \"365d\"\nconnect_timeout = \"10m\"\n"
                + "timeout = \"1h\"\nmax_body = \"1GiB\"\nmax_items = 100000\n")
        #expect(edge.config.daemon.interval.seconds == 30 * 86400)
        #expect(edge.config.daemon.maxItems == 100_000)
    }

    @Test func sizesAndItemCountsBeyondTheirRangeAreErrors() throws {
        for value in ["2GiB", "9000000000GiB", "512"] {
            let e = try ConfigTestSupport.error("[daemon]\nmax_body = \"\(value)\"\n")
            #expect(e.kind == .badSize && e.line == 2, "\(value): \(e)")
        }
        for value in ["0", "100001", "-5"] {
            let e = try ConfigTestSupport.error("[daemon]\nmax_items = \(value)\n")
            #expect(e.kind == .invalidValue && e.line == 2 && e.keyPath == "daemon.max_items", "\(value): \(e)")
            #expect(e.description.contains("from 1 to 100000"), "\(e)")
        }
        let wrong = try ConfigTestSupport.error("[daemon]\nmax_items = \"many\"\n")
        #expect(wrong.kind == .wrongType && wrong.line == 2)
        #expect(try ConfigTestSupport.load("[daemon]\n").config.daemon.maxItems == 1000)
        #expect(try ConfigTestSupport.load("[daemon]\nmax_items = 50\n").config.daemon.maxItems == 50)
    }

    @Test func checkConfigRefusesAbsurdValuesWithFileAndLine() throws {
        let dir = try TemporaryDirectory(prefix: "newswatch-bounds")
        defer { dir.remove() }
        let config = try dir.write(
            "newswatch.toml",
            """
            [daemon]
            state_dir = "state"
            timeout = "99999999999999s"
            connect_timeout = "9999999999999w"
            retention = "99999999999d"
            max_body = "8589934592GiB"
            max_items = 0

            [[feeds]]
            url = "https://www.example.org/rss.xml"
            interval = "99999999999w"

            [[alerts.sinks]]
            type = "exec"
            command = ["notify"]
            timeout = "99999999999999s"
            """)
        let r = try NewswatchBinary.run(["check-config", "--config", config.path])
        #expect(r.status == 78, "\(r.stdout)\(r.stderr)")
        let lines = r.stderr.split(separator: "\n").map(String.init)
        let expected = [
            (3, "daemon.timeout"), (4, "daemon.connect_timeout"), (5, "daemon.retention"), (6, "daemon.max_body"),
            (7, "daemon.max_items"), (11, "feeds[0].interval"), (16, "alerts.sinks[0].timeout"),
        ]
        #expect(lines.count == expected.count, "\(r.stderr)")
        for (line, (n, key)) in zip(lines, expected) {
            #expect(line.hasPrefix("newswatch: \(config.path):\(n): \(key):"), "\(line)")
        }

        let fine = try dir.write("ok.toml", "[daemon]\nstate_dir = \"state\"\nmax_items = 250\n")
        let ok = try NewswatchBinary.run(["check-config", "--config", fine.path])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("max_items              250"), "\(ok.stdout)")
    }
}
