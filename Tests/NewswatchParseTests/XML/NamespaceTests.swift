import Foundation
import Testing

@testable import NewswatchParse

@Suite struct NamespaceTests {
    @Test func mediaTitleAndDescriptionOnlyWhereThereIsNoOther() throws {
        let doc = """
            <rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>T</title>
            <item><guid>1</guid><media:group><media:title>Media title</media:title>
            <media:description type="html">&lt;b&gt;Media&lt;/b&gt; text</media:description></media:group></item>
            <item><guid>2</guid><title>Own title</title><description>Own summary</description>
            <media:title>Media title</media:title><media:description>Media text</media:description></item>
            </channel></rss>
            """
        let feed = try parse(doc)
        #expect(feed.items[0].title == "Media title")
        #expect(feed.items[0].summary == "Media text")
        #expect(feed.items[1].title == "Own title")
        #expect(feed.items[1].summary == "Own summary")
    }

    @Test func atomLinkInsideRSS() throws {
        let doc = """
            <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>T</title>
            <atom:link rel="self" href="https://x.example/rss"/>
            <atom:link rel="alternate" href="https://x.example/"/>
            <item><guid>1</guid><atom:link href="https://x.example/1"/></item>
            <item><guid>2</guid><link>https://x.example/2</link><atom:link href="https://x.example/other"/></item>
            </channel></rss>
            """
        let feed = try parse(doc)
        #expect(feed.link == "https://x.example/")
        #expect(feed.items[0].link == "https://x.example/1")
        #expect(feed.items[1].link == "https://x.example/2", "<link> wins over atom:link")
    }

    @Test func dublinCoreAndContentModules() throws {
        let doc = """
            <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
            <channel><title>T</title><dc:language>he</dc:language><item>
            <dc:creator>Noa Levi</dc:creator><dc:date>2025-02-09T11:07:23+02:00</dc:date>
            <dc:subject>Politics</dc:subject><dc:subject>Politics</dc:subject><category>World</category>
            <content:encoded>&lt;p&gt;Body&lt;/p&gt;</content:encoded></item></channel></rss>
            """
        let feed = try parse(doc)
        #expect(feed.language == "he")
        let item = try #require(feed.items.first)
        #expect(item.author == "Noa Levi")
        #expect(item.updated == utc("2025-02-09T09:07:23Z"))
        #expect(item.published == nil)
        #expect(item.categories == ["Politics", "World"], "duplicates once, document order")
        #expect(item.content == "Body")
    }

    @Test func relativeLinksResolveAgainstXMLBaseThenDocumentURL() throws {
        let doc = """
            <feed xmlns="http://www.w3.org/2005/Atom" xml:base="/news/"><title>T</title>
            <entry><id>1</id><link href="a.html"/></entry>
            <entry xml:base="sub/"><id>2</id><link href="b.html"/></entry>
            <entry xml:base="https://cdn.example.net/x/"><id>3</id><link xml:base="y/" href="c.html"/></entry>
            <entry><id>4</id><link href="https://absolute.example.com/d"/></entry>
            </feed>
            """
        let feed = try parse(doc, baseURL: "https://site.example.org/feeds/atom.xml")
        #expect(
            feed.items.map(\.link) == [
                "https://site.example.org/news/a.html", "https://site.example.org/news/sub/b.html",
                "https://cdn.example.net/x/y/c.html", "https://absolute.example.com/d",
            ])
        let rssFeed = try parse(rss(item: "<link>/story/1</link>"), baseURL: "https://r.example/feed")
        #expect(rssFeed.items.first?.link == "https://r.example/story/1")
        let noBase = try parse(rss(item: "<link>/story/1</link>"))
        #expect(noBase.items.first?.link == "/story/1", "without any base a relative link stays as given")
    }

    @Test func idIsExactlyAsGiven() throws {
        let feed = try parse(rss(item: "<guid isPermaLink=\"false\">  ID &amp; &lt;42&gt;  </guid>"))
        #expect(feed.items.first?.id == "ID & <42>")
        #expect(feed.items.first?.link == nil, "a non-permalink guid is not a link")
    }

    @Test func attributesWithEscapedAmpersands() throws {
        let doc = """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
            <entry><id>1</id><link href="https://x.example/?a=1&amp;b=2"/><category term="Arts &amp; Culture"/></entry></feed>
            """
        let feed = try parse(doc)
        #expect(feed.items.first?.link == "https://x.example/?a=1&b=2")
        #expect(feed.items.first?.categories == ["Arts & Culture"])
    }

    @Test func authorForms() {
        #expect(ItemDraft.splitAuthor("jo@example.org (Jo Smith)") == ("Jo Smith", "jo@example.org"))
        #expect(ItemDraft.splitAuthor("Jo Smith <jo@example.org>") == ("Jo Smith", "jo@example.org"))
        #expect(ItemDraft.splitAuthor("jo@example.org") == (nil, "jo@example.org"))
        #expect(ItemDraft.splitAuthor("Jo Smith") == ("Jo Smith", nil))
    }
}
