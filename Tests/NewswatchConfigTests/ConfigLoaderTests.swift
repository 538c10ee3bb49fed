import Foundation
import NewswatchConfig
import NewswatchCore
import NewswatchTestSupport
import Testing

@Suite struct ConfigLoaderTests {
    @Test func everyKeyOfTheContractIsRead() throws {
        let dir = ConfigTestSupport.fixtures
        // full.toml names its secrets by bare name: systemd credentials, here served from the fixtures folder.
        let loaded = try ConfigLoader.load(
            file: dir.appendingPathComponent("full.toml"), environment: ["CREDENTIALS_DIRECTORY": dir.path],
            queries: ConfigTestSupport.queries)
        let c = loaded.config
        #expect(c.origin == .file(dir.appendingPathComponent("full.toml").standardizedFileURL))

        let d = c.daemon
        #expect(d.stateDirectory.path == dir.appendingPathComponent("state").standardizedFileURL.path)
        #expect(d.outputDirectory.path == "/srv/newswatch/out")
        #expect(d.interval == ConfigDuration(seconds: 300))
        #expect(d.concurrency == 8)
        #expect(d.userAgent == "newswatch-test/2.0")
        #expect(d.retention == ConfigDuration(seconds: 14 * 86400))
        #expect(d.backfill == ConfigDuration(seconds: 7200))
        #expect(d.allowPrivateNetworks)
        #expect(d.connectTimeout == ConfigDuration(seconds: 5))
        #expect(d.timeout == ConfigDuration(seconds: 60))
        #expect(d.maxBody == ByteSize(bytes: 2 << 20))
        #expect(d.logLevel.rawValue == "debug")

        #expect(c.digest.time == DigestTime(hour: 6, minute: 30))
        #expect(c.digest.timeZone.identifier == "Asia/Jerusalem")
        #expect(c.digest.formats == [.html, .markdown])

        // Two [[feeds]] entries, then the OPML's two http feeds; its duplicate and its mailto: are skipped.
        #expect(c.feeds.count == 4)
        let world = c.feeds[0]
        #expect(world.source == .url(URL(string: "https://WWW.Example.org/world/rss.xml")!))
        #expect(world.key == "https://www.example.org/world/rss.xml")
        #expect(world.host == "www.example.org")
        #expect(world.name == "Example World")
        #expect(world.interval == ConfigDuration(seconds: 120) && world.intervalIsOverride)
        #expect(world.tags == ["middle-east", "world"])
        let local = c.feeds[1]
        #expect(local.source == .file(dir.appendingPathComponent("feeds/local.xml").standardizedFileURL))
        #expect(local.interval == ConfigDuration(seconds: 300) && !local.intervalIsOverride)
        #expect(local.host == nil)
        #expect(c.feeds[2].name == "Wire One" && c.feeds[2].key == "https://wire.example.net/rss")
        #expect(c.feeds[3].name == "Wire Two")
        for f in c.feeds[2...] {
            #expect(f.tags == ["imported"])
            #expect(f.interval == ConfigDuration(seconds: 3600))
            #expect(f.opml?.lastPathComponent == "feeds.opml")
        }
        #expect(loaded.warnings.count == 2)
        #expect(loaded.warnings.contains { $0.contains("already listed") && $0.contains("feeds[0]") })
        #expect(loaded.warnings.contains { $0.contains("mailto:desk@example.org") })

        let zone = c.digest.timeZone
        #expect(
            c.topics == [
                TopicDefinition(
                    id: "gaza", name: "Gaza", query: #""Gaza Strip" OR Gaza OR Rafah"#, exclude: "title:sport*",
                    priority: .high, alert: true, feeds: ["tag:middle-east", "Local wire"],
                    delivery: TopicDelivery(
                        mode: .batch, batchPeriod: 600, quietHours: QuietHours("23:00-06:00"), timeZone: zone)),
                TopicDefinition(
                    id: "us-israel", name: "us-israel", query: #"(US OR "White House") NEAR/15 Israel"#,
                    priority: .normal, alert: false, delivery: TopicDelivery(mode: .digest, timeZone: zone)),
            ])

        #expect(c.sinks.count == 3)
        guard case .webhook(let w) = c.sinks[0], case .email(let e) = c.sinks[1], case .exec(let x) = c.sinks[2]
        else {
            Issue.record("sinks in the wrong order: \(c.sinks)")
            return
        }
        #expect(w.url.absoluteString == "https://hooks.example.org/T000/B000/secret-token")
        #expect(w.format == .slack)
        #expect(w.secretFile == dir.appendingPathComponent("webhook.secret").standardizedFileURL)
        #expect(w.common == SinkConfig.Common(topics: ["gaza"], maxPerHour: 30))
        #expect(e.url.absoluteString == "smtps://mail.example.org:465")
        #expect(e.from == "newswatch@example.org")
        #expect(e.to == ["desk@example.org", "night@example.org"])
        #expect(e.username == "newswatch")
        #expect(e.passwordFile == dir.appendingPathComponent("smtp.secret").standardizedFileURL)
        #expect(e.batch == ConfigDuration(seconds: 60))
        #expect(e.common == SinkConfig.Common())
        #expect(x.command == [dir.appendingPathComponent("notify.sh").standardizedFileURL.path, "--urgent"])
        #expect(x.timeout == ConfigDuration(seconds: 20))
    }

    @Test func absentKeysTakeTheContractDefaults() throws {
        let c = try ConfigTestSupport.load("", environment: ["HOME": "/home/editor"]).config
        let d = c.daemon
        #expect(d.stateDirectory.path == "/home/editor/.local/state/newswatch")
        #expect(d.outputDirectory == d.stateDirectory)
        #expect(d.interval.description == "10m")
        #expect(d.concurrency == 16)
        #expect(d.userAgent == "newswatch/1.0")
        #expect(d.retention.description == "30d")
        #expect(d.backfill.description == "6h")
        #expect(!d.allowPrivateNetworks)
        #expect(d.connectTimeout.description == "10s")
        #expect(d.timeout.description == "30s")
        #expect(d.maxBody.description == "10MiB")
        #expect(d.logLevel.rawValue == "info")
        #expect(c.digest.time.description == "07:00")
        #expect(c.digest.timeZone.secondsFromGMT() == 0)
        #expect(c.digest.formats == [.markdown, .html, .json])
        #expect(c.feeds.isEmpty && c.topics.isEmpty && c.sinks.isEmpty)

        let topic = try ConfigTestSupport.load("[[topics]]\nid = \"t\"\nquery = \"x\"\n").config.topics[0]
        #expect(topic == TopicDefinition(id: "t", name: "t", query: "x", priority: .normal, alert: true))
        let exec = try ConfigTestSupport.load("[[alerts.sinks]]\ntype = \"exec\"\ncommand = [\"notify\"]\n").config
        #expect(exec.sinks == [.exec(.init(command: ["notify"], timeout: ConfigDuration(seconds: 10)))])
        let hook = try ConfigTestSupport.load("[[alerts.sinks]]\ntype = \"webhook\"\nurl = \"http://h.example/x\"\n")
        #expect(hook.config.sinks == [.webhook(.init(url: URL(string: "http://h.example/x")!, format: .json))])
    }

    @Test func stateDirectoryDefaultFollowsSystemdThenXDGThenHome() throws {
        func state(_ env: [String: String]) -> String { DaemonSettings.defaultStateDirectory(environment: env).path }
        #expect(
            state(["STATE_DIRECTORY": "/var/lib/newswatch", "XDG_STATE_HOME": "/x", "HOME": "/h"])
                == "/var/lib/newswatch")
        #expect(state(["STATE_DIRECTORY": "/var/lib/a:/var/lib/b"]) == "/var/lib/a")
        #expect(state(["XDG_STATE_HOME": "/home/e/.state", "HOME": "/h"]) == "/home/e/.state/newswatch")
        #expect(state(["XDG_STATE_HOME": "relative/ignored", "HOME": "/h"]) == "/h/.local/state/newswatch")
        #expect(state(["HOME": "/h"]) == "/h/.local/state/newswatch")

        let c = try ConfigTestSupport.load(
            "[daemon]\noutput_dir = \"out\"\n", environment: ["STATE_DIRECTORY": "/var/lib/newswatch"]
        ).config
        #expect(c.daemon.stateDirectory.path == "/var/lib/newswatch")
        #expect(c.daemon.outputDirectory.lastPathComponent == "out")
        #expect(c.daemon.outputDirectory.path.hasPrefix("/"))

        let home = try ConfigTestSupport.load("[daemon]\nstate_dir = \"~/nw\"\n", environment: ["HOME": "/home/e"])
        #expect(home.config.daemon.stateDirectory.path == "/home/e/nw")
        #expect(home.config.daemon.outputDirectory.path == "/home/e/nw")
    }

    @Test func lookupOrderIsOptionThenEnvironmentThenSystemThenEmbedded() throws {
        let dir = try TemporaryDirectory(prefix: "newswatch-lookup")
        defer { dir.remove() }
        let a = try dir.write("a.toml", "[daemon]\ninterval = \"1m\"\n")
        let b = try dir.write("b.toml", "[daemon]\ninterval = \"2m\"\n")
        let system = try dir.write("etc.toml", "[daemon]\ninterval = \"3m\"\n")
        let missing = dir.file("missing.toml").path
        func locate(_ explicit: String?, _ env: String?, _ sys: String) throws(ConfigError) -> ConfigLocation {
            try ConfigLocation.locate(
                explicit: explicit, environment: env.map { ["NEWSWATCH_CONFIG": $0] } ?? [:], systemPath: sys,
                currentDirectory: dir.path)
        }
        #expect(try locate(a.path, b.path, system.path) == .option(a))
        #expect(try locate("a.toml", nil, system.path) == .option(a))  // relative to the working directory
        #expect(try locate(nil, b.path, system.path) == .environment(b))
        #expect(try locate(nil, "", system.path) == .system(system))
        #expect(try locate(nil, nil, system.path) == .system(system))
        #expect(try locate(nil, nil, missing) == .embedded)

        // Only a missing system file falls back; a named file that is missing is an error (exit 66).
        for (explicit, env) in [(missing, nil), (nil, missing)] as [(String?, String?)] {
            do {
                _ = try locate(explicit, env, system.path)
                Issue.record("a missing \(explicit != nil ? "--config" : "$NEWSWATCH_CONFIG") file was accepted")
            } catch {
                #expect(error.kind == .fileNotFound)
                #expect(error.exitCode == 66)
                #expect(error.description.hasPrefix(missing + ": "))
            }
        }

        let loaded = try ConfigLoader.load(
            explicitPath: nil, environment: ["NEWSWATCH_CONFIG": b.path], systemPath: system.path,
            queries: ConfigTestSupport.queries)
        #expect(loaded.location == .environment(b))
        #expect(loaded.config.daemon.interval.description == "2m")
        let fallback = try ConfigLoader.load(
            explicitPath: nil, environment: [:], systemPath: missing, queries: ConfigTestSupport.queries)
        #expect(fallback.location == .embedded)
        #expect(fallback.config.origin == .embedded)
    }

    @Test func aConfigThatIsADirectoryOrUnreadableIsAnInputError() throws {
        let dir = try TemporaryDirectory(prefix: "newswatch-unreadable")
        defer { dir.remove() }
        do {
            _ = try ConfigLoader.load(file: dir.url, environment: [:])
            Issue.record("a directory was accepted as a config file")
        } catch {
            #expect(error.kind == .unreadable)
            #expect(error.exitCode == 66)
        }
        let latin1 = dir.file("latin1.toml")
        try Data([0x23, 0x20, 0xE9, 0x0A]).write(to: latin1)
        do {
            _ = try ConfigLoader.load(file: latin1, environment: [:])
            Issue.record("a non-UTF-8 file was accepted")
        } catch {
            #expect(error.kind == .syntax)
            #expect(error.exitCode == 78)
        }
    }
}
