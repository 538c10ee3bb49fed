import Foundation
import NewswatchConfig
import Testing

@Suite struct ConfigEmbeddedDefaultTests {
    /// The repository's `Config/` directory, found from this source file.
    static let configDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Config")

    @Test func embeddedTextIsUpToDateWithTheConfigFiles() throws {
        var parts: [String] = []
        for name in ["newswatch.toml", "default-topics.toml"] {
            let url = Self.configDirectory.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else {
                #expect(name != "newswatch.toml", "Config/newswatch.toml is missing")
                continue
            }
            var text = try String(contentsOf: url, encoding: .utf8)
            while text.hasSuffix("\n") { text.removeLast() }
            parts.append(text)
        }
        #expect(
            ConfigLoader.embeddedText == parts.joined(separator: "\n"),
            "EmbeddedDefaultConfig.swift is out of date: run scripts/embed-default-config.sh and commit the result")
    }

    @Test func embeddedDefaultIsAValidConfigOfPublicHTTPSFeeds() throws {
        let loaded = try ConfigLoader.load(
            explicitPath: nil, environment: ["HOME": "/home/editor"], systemPath: "/nonexistent/newswatch.toml",
            queries: ConfigTestSupport.queries)
        #expect(loaded.location == .embedded)
        #expect(loaded.warnings.isEmpty)
        let feeds = loaded.config.feeds
        #expect(feeds.count >= 20)
        for feed in feeds {
            guard case .url(let url) = feed.source else {
                Issue.record("the default config has a local feed: \(feed.source)")
                continue
            }
            #expect(url.scheme == "https", "\(url) should be https")
            #expect(feed.name?.isEmpty == false)
            #expect(!feed.tags.isEmpty)
        }
        #expect(Set(feeds.compactMap(\.name)).count == feeds.count)
        let hosts = Set(feeds.compactMap(\.host))
        for publisher in [
            "feeds.bbci.co.uk", "www.aljazeera.com", "www.theguardian.com", "feeds.npr.org",
            "www.timesofisrael.com", "news.un.org", "rss.nytimes.com", "feeds.washingtonpost.com",
        ] {
            #expect(hosts.contains(publisher), "the curated list should include \(publisher)")
        }
        #expect(loaded.config.sinks.isEmpty)
        // Once Config/default-topics.toml is merged, the embedded default carries the default topics.
        let topicsFile = Self.configDirectory.appendingPathComponent("default-topics.toml")
        if FileManager.default.fileExists(atPath: topicsFile.path) {
            let ids = Set(loaded.config.topics.map(\.id))
            #expect(ids.isSuperset(of: ["gaza", "us-israel"]))
        }
    }
}
