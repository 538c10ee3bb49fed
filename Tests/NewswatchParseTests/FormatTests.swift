import Foundation
import NewswatchCore
import Testing

@testable import NewswatchParse

@Suite struct FormatTests {
    @Test func rss20() throws {
        let feed = try Fixture.feed("rss20.xml")
        #expect(feed.format == .rss20)
        #expect(feed.title == "Example & Co: World")
        #expect(feed.link == "https://news.example.org/world/")
        #expect(feed.description == "World news from Example")
        #expect(feed.language == "en-gb")
        #expect(feed.updated == utc("2025-02-09T09:07:23Z"))
        #expect(feed.ttlMinutes == 15)
        #expect(feed.items.count == 2)
        let a = feed.items[0]
        #expect(a.id == "news.example.org-1")
        #expect(a.title == "Talks resume in Cairo")
        #expect(a.link == "https://news.example.org/world/1")
        #expect(a.published == utc("2025-02-09T11:07:23Z"))
        #expect(a.updated == nil)
        #expect(a.author == "Lucía Moreau")
        #expect(a.summary == "Negotiators met on Sunday. More talks are planned.")
        #expect(a.content == "Full text here. Second paragraph.")
        #expect(a.categories == ["Middle East", "Diplomacy"])
        let b = feed.items[1]
        #expect(b.id == "https://news.example.org/world/2")
        #expect(b.link == "https://news.example.org/world/2", "a permalink guid stands in for a missing link")
        #expect(b.published == nil, "an unparseable pubDate is null, never a guess")
        #expect(b.updated == utc("2025-02-08T09:00:00Z"), "dc:date maps to updated")
        #expect(b.author == "Jo Smith")
        #expect(feed.warnings.isEmpty)
    }

    @Test func rss091WithHTMLEntities() throws {
        let feed = try Fixture.feed("rss091.xml")
        #expect(feed.format == .rss09x)
        #expect(feed.description == "Café news — since 1999")
        #expect(feed.items.first?.title == "Résumé of the day")
        #expect(feed.items.first?.summary == "Short & sweet")
        #expect(feed.warnings.count == 1)
    }

    @Test func rss090() throws {
        let feed = try Fixture.feed("rss090.rdf")
        #expect(feed.format == .rss09x)
        #expect(feed.title == "Mozilla Dot Org")
        #expect(feed.items.map(\.title) == ["New Status Updates", "Bugzilla Reorganized"])
        #expect(feed.items.map(\.id) == [nil, nil])
    }

    @Test func rss10() throws {
        let feed = try Fixture.feed("rss10.rdf")
        #expect(feed.format == .rss10)
        #expect(feed.title == "Pulse", "the image's title is not the channel's")
        #expect(feed.language == "de")
        #expect(feed.updated == utc("2025-03-14T03:35:02Z"))
        #expect(feed.ttlMinutes == 30, "syn:updatePeriod hourly / updateFrequency 2")
        let item = try #require(feed.items.first)
        #expect(item.id == "https://pulse.example.com/a", "rdf:about is the id")
        #expect(item.author == "Tomás Tanaka")
        #expect(item.updated == utc("2025-03-14T03:35:02Z"))
        #expect(item.published == nil)
        #expect(item.categories == ["Science"])
    }

    @Test func atom10() throws {
        let feed = try Fixture.feed("atom10.xml")
        #expect(feed.format == .atom10)
        #expect(feed.title == "El Diario: Opinion")
        #expect(feed.description == "Latest opinion & analysis")
        #expect(feed.link == "https://diario.example.com/opinion/", "relative to the root's xml:base")
        #expect(feed.language == "en-au")
        #expect(feed.updated == utc("2025-08-17T11:59:49Z"))
        let a = feed.items[0]
        #expect(a.title == "Data breach in Indonesia")
        #expect(a.link == "https://diario.example.com/opinion/2025/08/17/breach", "rel=alternate, not enclosure")
        #expect(a.id == "tag:diario.example.com,2025-08-17:70868235")
        #expect(a.published == utc("2025-08-17T15:29:49Z"))
        #expect(a.updated == utc("2025-08-17T17:29:49Z"))
        #expect(a.author == "Chen López")
        #expect(a.categories == ["Climate", "Middle East"])
        #expect(a.summary == "Aid agencies warned <b> stays literal in text.", "type=text is not HTML")
        #expect(a.content == "Analysts cautioned. Second para.", "xhtml content, script dropped")
        let b = feed.items[1]
        #expect(b.link == "https://elsewhere.example.net/section/story.html", "nested xml:base")
        #expect(b.author == "anon@example.com", "the e-mail where no name is given")
        #expect(b.content == "HTML content")
        #expect(b.summary == nil)
    }

    @Test func atom03() throws {
        let feed = try Fixture.feed("atom03.xml")
        #expect(feed.format == .atom03)
        #expect(feed.description == "A lot of effort went into making this effortless")
        #expect(feed.updated == utc("2003-12-13T18:30:02Z"))
        let item = try #require(feed.items.first)
        #expect(item.published == utc("2003-12-13T12:29:29Z"), "issued")
        #expect(item.updated == utc("2003-12-13T18:30:02Z"), "modified")
        #expect(item.content == "Escaped HTML content.")
        #expect(item.categories == ["Syndication"])
    }

    @Test func jsonFeed11() throws {
        let feed = try Fixture.feed("jsonfeed11.json", baseURL: "https://json.example.org/feed.json")
        #expect(feed.format == .jsonFeed1)
        #expect(feed.title == "JSON Desk")
        #expect(feed.language == "en-US")
        let a = feed.items[0]
        #expect(a.id == "2")
        #expect(a.link == "https://json.example.org/posts/2")
        #expect(a.content == "Talks & more talks.")
        #expect(a.summary == "Short summary")
        #expect(a.author == "Ana García")
        #expect(a.published == utc("2025-02-09T09:07:23Z"))
        #expect(a.updated == utc("2025-02-09T12:00:00Z"))
        #expect(a.categories == ["Gaza", "Diplomacy"])
        let b = feed.items[1]
        #expect(b.content == "Plain text body")
        #expect(b.published == nil)
    }

    @Test func jsonFeed10() throws {
        let feed = try Fixture.feed("jsonfeed10.json")
        #expect(feed.format == .jsonFeed1)
        #expect(feed.items.first?.id == "42")
        #expect(feed.items.first?.author == "Old Author")
    }

    @Test func formatComesFromContentNotName() throws {
        // An Atom document saved as .json and RSS with a misleading HTTP charset name are still detected.
        let feed = try FeedParser.parse(Fixture.data("atom10.xml"), baseURL: "https://x.example/feed.json")
        #expect(feed.format == .atom10)
    }

    @Test func contractJSONHasEveryKeyInOrder() throws {
        let feed = try Fixture.feed("rss090.rdf")
        let text = feed.contractJSON.compact
        #expect(text.hasPrefix("{\"format\":\"rss0.9x\",\"feed\":{\"title\":\"Mozilla Dot Org\""))
        #expect(
            text.contains(
                "{\"id\":null,\"title\":\"New Status Updates\",\"link\":\"http://www.mozilla.org/status/\",\"published\":null,\"updated\":null,\"author\":null,\"summary\":null,\"content\":null,\"categories\":[]}"
            ))
    }
}
