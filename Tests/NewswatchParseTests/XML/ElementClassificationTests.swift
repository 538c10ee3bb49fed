import Foundation
import Testing

@testable import NewswatchParse

/// The element classification of a document is worked out once per distinct name, however many items repeat it.
@Suite struct ElementClassificationTests {
    /// A feed of `items` items, each with the same eight elements (two of them namespaced).
    static func feed(items: Int) -> [UInt8] {
        var xml =
            "<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
            + "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>Desk</title>"
        for i in 0..<items {
            xml +=
                "<item><title>Story \(i)</title><link>https://example.org/\(i)</link><guid>g\(i)</guid>"
                + "<description>Body \(i)</description><pubDate>Tue, 28 Oct 2025 10:00:00 GMT</pubDate>"
                + "<category>World</category><dc:creator>Reporter</dc:creator>"
                + "<content:encoded>&lt;p&gt;Full \(i)&lt;/p&gt;</content:encoded></item>"
        }
        return Array((xml + "</channel></rss>").utf8)
    }

    /// rss, channel, title, item, link, guid, description, pubDate, category, dc:creator, content:encoded.
    static let distinctNames = 11

    @Test(arguments: [1, 50, 400])
    func eachDistinctNameIsClassifiedOnce(items: Int) throws {
        // Many documents: libxml2's names land at different addresses in each, the table must hold for all.
        for _ in 0..<20 {
            let parser = XMLFeedParser(baseURL: nil, html: HTMLTextExtractor())
            let feed = try Self.feed(items: items).withUnsafeBufferPointer { try parser.parse($0).get() }
            #expect(feed.items.count == items)
            #expect(parser.namesClassified == Self.distinctNames, "\(items) items")
        }
    }

    /// Past what the table holds (a document with thousands of distinct names) classification still works.
    @Test func thousandsOfDistinctNamesStillClassify() throws {
        var xml = "<rss version=\"2.0\"><channel>"
        for i in 0..<3_000 { xml += "<x\(i)>v</x\(i)>" }
        xml += "<item><title>Last</title></item></channel></rss>"
        let parser = XMLFeedParser(baseURL: nil, html: HTMLTextExtractor())
        let feed = try Array(xml.utf8).withUnsafeBufferPointer { try parser.parse($0).get() }
        #expect(feed.items.map(\.title) == ["Last"])
        #expect(parser.namesClassified == 3_000 + 4)
    }
}
