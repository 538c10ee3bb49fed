import Foundation
import Testing

@testable import NewswatchParse

@Suite struct BrokenFeedTests {
    @Test func unescapedAmpersands() throws {
        let feed = try parse(rss(item: "<title>AT&T and R&D</title><link>https://x.example/?a=1&b=2</link>"))
        #expect(feed.items.first?.title == "AT&T and R&D")
        #expect(feed.items.first?.link == "https://x.example/?a=1&b=2")
        #expect(feed.warnings.contains { $0.contains("unescaped '&'") })
    }

    @Test func htmlEntitiesXMLDoesNotDefine() throws {
        let feed = try parse(rss(item: "<title>Caf&eacute;&nbsp;&mdash; &hellip;</title>"))
        #expect(feed.items.first?.title == "Café — …")
        #expect(!feed.warnings.isEmpty)
    }

    @Test func ampersandsInsideCDATAAreLeftAlone() throws {
        let feed = try parse(rss(item: "<link><![CDATA[https://x.example/?a=1&b=2&nbsp;]]></link><title>A&B</title>"))
        #expect(feed.items.first?.link == "https://x.example/?a=1&b=2&nbsp;")
        #expect(feed.items.first?.title == "A&B")
    }

    @Test func unclosedTagsAreRecovered() throws {
        let doc = "<rss version=\"2.0\"><channel><title>T</title><item><title>One</title><description>Open"
            + "</item><item><title>Two</title></item></channel></rss>"
        let feed = try parse(doc)
        #expect(feed.items.count >= 1)
        #expect(feed.items.first?.title == "One")
        #expect(feed.warnings.contains { $0.contains("broken XML") })
    }

    @Test func truncatedDocumentKeepsItsItems() throws {
        let doc = "<rss version=\"2.0\"><channel><title>T</title><item><title>One</title></item><item><title>Two</tit"
        let feed = try parse(doc)
        #expect(feed.items.map(\.title).first == "One")
        #expect(feed.items.count == 2)
        #expect(!feed.warnings.isEmpty)
    }

    @Test func junkAfterTheRoot() throws {
        let feed = try parse(rss(item: "<title>One</title>") + "\n<!-- cache 0.2s --><html>junk</html>")
        #expect(feed.items.first?.title == "One")
        #expect(feed.warnings.contains { $0.contains("broken XML") })
    }

    @Test func whitespaceAndJunkBeforeTheDocument() throws {
        let spaced = try parse("\n\n   " + rss(item: "<title>One</title>"))
        #expect(spaced.items.first?.title == "One")
        #expect(spaced.warnings.contains { $0.contains("white space") })
        let junk = try parse("Warning: something in /var/www/feed.php on line 3\n" + rss(item: "<title>One</title>"))
        #expect(junk.items.first?.title == "One")
        #expect(junk.warnings.contains { $0.contains("junk") })
    }

    @Test func doubleEscapedHTML() throws {
        let feed = try parse(rss(item: "<description>&amp;lt;p&amp;gt;Hello &amp;lt;b&amp;gt;world&amp;lt;/b&amp;gt;&amp;lt;/p&amp;gt;</description>"))
        #expect(feed.items.first?.summary == "Hello world")
        #expect(feed.warnings.contains { $0.contains("double-escaped") })
    }

    @Test func htmlInCDATA() throws {
        let feed = try parse(rss(item: "<description><![CDATA[<p>In <i>CDATA</i> &amp; fine</p>]]></description>"))
        #expect(feed.items.first?.summary == "In CDATA & fine")
    }

    @Test func unescapedHTMLInsideRSSDescription() throws {
        let feed = try parse(rss(item: "<description><p>Raw <b>markup</b></p><p>two</p><script>x()</script></description>"))
        #expect(feed.items.first?.summary == "Raw markup two")
    }

    @Test func controlCharactersDoNotStopTheParse() throws {
        let feed = try parse(rss(item: "<title>Bad\u{0B}char</title>") .replacingOccurrences(of: "</channel>", with: "<item><title>Next</title></item></channel>"))
        #expect(feed.items.count == 2)
        #expect(feed.items.last?.title == "Next")
    }
}
