import Foundation
import NewswatchParse
import Testing

@Suite struct OPMLParserTests {
    private func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/opml/\(name)", withExtension: nil))
        return [UInt8](try Data(contentsOf: url))
    }

    @Test func readsEveryOutlineWithAnXMLURLInDocumentOrder() throws {
        let feeds = try OPMLParser.parse(fixture("subscriptions.opml"))
        #expect(
            feeds == [
                .init(
                    url: "https://wire.example.net/rss", title: "Wire One", htmlURL: "https://wire.example.net/",
                    categories: ["News"]),
                .init(url: "http://two.example.net/feed.xml", title: "Wire Two", categories: ["News"]),
                .init(url: "https://www.example.org/world/rss.xml", title: "Listed again"),
                .init(url: "mailto:desk@example.org", title: "Mail link"),
            ])
    }

    @Test func attributeNamesIgnoreCaseAndValuesAreDecodedAndTrimmed() throws {
        let feeds = try OPMLParser.parse(fixture("nested-case.opml"))
        #expect(
            feeds == [
                .init(url: "https://cafe.example.com/rss", title: "Café & News", categories: ["World", "Middle East"]),
                .init(url: "https://notitle.example.com/feed", title: nil, categories: ["World"]),
            ])
    }

    @Test func externalEntitiesAreNeverLoadedAndEntityBombsNeverExpand() throws {
        let feeds = try OPMLParser.parse(fixture("xxe.opml"))
        #expect(feeds.map(\.url) == ["https://leak.example.com/", "https://bomb.example.com/feed"])
        #expect(feeds.allSatisfy { $0.title == nil })
        #expect(!feeds.contains { $0.url.contains("root:") })
    }

    @Test func brokenXMLIsReadAsFarAsItGoes() throws {
        let feeds = try OPMLParser.parse(fixture("broken.opml"))
        #expect(feeds.first?.url == "https://first.example.com/rss")
    }

    @Test func documentsThatAreNotOPMLAreErrors() throws {
        #expect(throws: OPMLError.self) { try OPMLParser.parse([]) }
        let html = try fixture("html.opml")
        do {
            _ = try OPMLParser.parse(html)
            Issue.record("an HTML page was read as OPML")
        } catch {
            #expect(error.kind == .notOPML)
            #expect(error.description.contains("<html>"))
        }
        do {
            _ = try OPMLParser.parse([0x00, 0xFF, 0xFE, 0x01, 0x02])
            Issue.record("binary bytes were read as OPML")
        } catch {
            #expect(error.kind == .notXML)
        }
    }
}
