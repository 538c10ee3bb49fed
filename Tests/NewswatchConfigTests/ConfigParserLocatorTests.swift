import Foundation
import Testing

@testable import NewswatchConfig

/// Issue 18 (the all-304 round): start-up parses the whole config every `run --once`. The key locator (a scan of the
/// text for every key's line) is for messages only; each topic id looked up its own line for a possible duplicate
/// message, which built the locator on every start (3.5 % of the round on 2,000 feeds and 300 topics).
@Suite struct ConfigParserLocatorTests {
    static func parser(_ text: String) -> ConfigParser {
        ConfigParser(
            text: text, fileName: "test.toml", baseDirectory: URL(fileURLWithPath: "/tmp"), environment: [:],
            queries: ConfigTestSupport.queries)
    }

    static let feedsAndTopics = """
        [[feeds]]
        url = "https://a.example/rss"
        name = "A"

        [[feeds]]
        url = "https://b.example/rss"

        [[topics]]
        id = "gaza"
        query = "gaza OR rafah"

        [[topics]]
        id = "jerusalem"
        query = "jerusalem"
        feeds = ["A"]

        """

    @Test func aValidConfigNeverBuildsTheKeyLocator() throws {
        let parser = Self.parser(Self.feedsAndTopics)
        let config = try parser.parse(origin: .embedded)
        #expect(config.topics.map(\.id) == ["gaza", "jerusalem"] && config.feeds.count == 2)
        #expect(!parser.hasBuiltLocator)
    }

    @Test func aDuplicateTopicIdStillNamesTheFirstOnesLine() throws {
        let parser = Self.parser(Self.feedsAndTopics + "[[topics]]\nid = \"gaza\"\nquery = \"again\"\n")
        #expect(throws: ConfigError.self) {
            _ = try parser.parse(origin: .embedded)
        }
        do {
            _ = try Self.parser(Self.feedsAndTopics + "[[topics]]\nid = \"gaza\"\nquery = \"again\"\n").parse(
                origin: .embedded)
        } catch {
            #expect(error.kind == .duplicate && error.line == 17, "\(error)")
            #expect(error.message.contains("topics[0] (line 8)"), "\(error.message)")
        }
        #expect(parser.hasBuiltLocator)
    }
}
