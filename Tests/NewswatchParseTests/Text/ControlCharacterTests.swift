import Foundation
import NewswatchCore
import Testing

@testable import NewswatchParse

/// No parsed value carries a control character or a link that is not http(s) (terminal escapes, `javascript:`).
@Suite struct ControlCharacterTests {
    static let escapes = [
        "\u{1B}[2J", "\u{1B}]8;;https://evil.example/\u{07}", "\u{1B}]52;c;ZXZpbA==\u{07}", "\u{9B}31m",
        "\u{81}\u{9D}\u{7F}",
    ]

    static func hasControl(_ s: String) -> Bool {
        s.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }
    }

    static func allValues(_ feed: ParsedFeed) -> [String] {
        var values = [feed.title, feed.link, feed.description, feed.language].compactMap { $0 }
        for item in feed.items {
            values += [item.id, item.title, item.link, item.author, item.summary, item.content].compactMap { $0 }
            values += item.categories
        }
        return values
    }

    @Test func jsonFeedValuesLoseEveryControl() throws {
        let e = Self.escapes.joined()
        let object: [String: Any] = [
            "version": "https://jsonfeed.org/version/1.1", "title": "Feed" + e,
            "home_page_url": "https://example.org/" + e,
            "description": "d" + e, "language": "en" + e,
            "items": [
                [
                    "id": "id" + e, "title": "Title" + e, "url": "https://example.org/a" + e, "summary": "s" + e,
                    "content_text": "c" + e, "tags": ["t" + e], "authors": [["name": "n" + e]],
                ]
            ],
        ]
        let feed = try FeedParser.parse(try JSONSerialization.data(withJSONObject: object))
        let values = Self.allValues(feed)
        #expect(values.count == 11)
        for value in values { #expect(!Self.hasControl(value), "\(value.debugDescription)") }
        #expect(feed.items.first?.id == "id[2J]8;;https://evil.example/]52;c;ZXZpbA==31m")
        #expect(feed.items.first?.link == "https://example.org/a[2J]8;;https://evil.example/]52;c;ZXZpbA==31m")
        #expect(feed.items.first?.title == "Title [2J ]8;;https://evil.example/ ]52;c;ZXZpbA== ›31m")
    }

    @Test func xmlLinksAndIDsLoseC1AndC0() throws {
        let item =
            "<title>t&#x81;&#x9D;&#x9B;</title><description>d&#x8D;x</description><link>https://example.org/a&#x9B;2J&#x85;</link><guid>g&#x9B;1&#x1B;</guid>"
        let feed = try parse(rss(item: item, channel: "<title>T</title><link>https://example.org/&#x85;</link>"))
        #expect(feed.link == "https://example.org/")
        #expect(feed.items.first?.link == "https://example.org/a2J")
        #expect(feed.items.first?.id == "g1")
        // Text: C1 read as windows-1252, the five bytes it leaves undefined dropped.
        #expect(feed.items.first?.title == "t›")
        #expect(feed.items.first?.summary == "dx")
    }

    @Test func onlyHTTPAndRelativeLinksSurvive() throws {
        let links = [
            "javascript:alert(1)", "JavaScript:alert(1)", "\u{01}java\tscript:alert(1)", " javascript:x",
            "data:text/html,<b>x</b>", "vbscript:x", "file:///etc/passwd",
        ]
        for link in links {
            let object: [String: Any] = [
                "version": "https://jsonfeed.org/version/1", "home_page_url": link,
                "items": [["id": "1", "url": link]],
            ]
            let feed = try FeedParser.parse(try JSONSerialization.data(withJSONObject: object))
            #expect(feed.link == nil, "\(link.debugDescription)")
            #expect(feed.items.first?.link == nil, "\(link.debugDescription)")
        }
        let xml = try parse(rss(item: "<link>javascript:alert(1)</link>", channel: "<link>data:,x</link>"))
        #expect(xml.link == nil)
        #expect(xml.items.first?.link == nil)
        let kept = try parse(rss(item: "<link>HTTPS://example.org/a</link>", channel: "<link>/relative</link>"))
        #expect(kept.items.first?.link == "HTTPS://example.org/a")
        #expect(kept.link == "/relative")
        let resolved = try parse(rss(item: "<link>/a</link>"), baseURL: "https://example.org/feed")
        #expect(resolved.items.first?.link == "https://example.org/a")
    }

    @Test func linkSchemesAreJudgedOnTheBytes() {
        let cases: [(String, String?)] = [
            ("http://x.example/", "http://x.example/"), ("HTTPS://x.example/", "HTTPS://x.example/"),
            ("hTtP://x", "hTtP://x"), ("https:/x", nil), ("http:", nil), ("https:", nil), ("http:/", nil),
            ("httpsx://x", nil), ("ftp://x", nil), ("a b/c", "a b/c"), ("/relative?q=1", "/relative?q=1"),
            (" http://x ", "http://x"), ("\u{07}http://x", "http://x"), ("", nil), ("   ", nil), ("\u{01}", nil),
            ("é:x", "é:x"), ("x1+.-:y", nil),
        ]
        for (link, expected) in cases {
            #expect(ParsedFeed.safeLink(link) == expected, "\(link.debugDescription)")
        }
        #expect(ParsedFeed.safeLink(nil) == nil)
    }

    @Test func deeplyNestedJSONIsAnErrorNotACrash() {
        let deep =
            "{\"version\":\"https://jsonfeed.org/version/1.1\",\"x\":"
            + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        #expect(parseErrorKind(Data(deep.utf8)) == .malformed)
        #expect(parseErrorKind(Data(String(repeating: "[", count: 100_000).utf8)) == .malformed)
    }

    @Test func deeplyNestedHTMLAndXMLEndCleanly() throws {
        let html = String(repeating: "&lt;div&gt;", count: 100_000) + "x"
        let feed = try parse(rss(item: "<title>t</title><description>\(html)</description>"))
        #expect(feed.items.count == 1)
        let xml = rss(item: String(repeating: "<div>", count: 100_000) + "x")
        #expect((try? parse(xml)) != nil || parseErrorKind(Data(xml.utf8)) != nil)
    }
}
