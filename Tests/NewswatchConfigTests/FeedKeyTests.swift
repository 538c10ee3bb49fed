import Foundation
import NewswatchCore
import Testing

@testable import NewswatchConfig

/// A feed's key by hand (`plainKey`) is the key `URLComponents` gives, for every URL it takes (issue 18: the state
/// database keys feeds by it, so a different spelling would lose a feed's history).
@Suite struct FeedKeyTests {
    static let urls = [
        "http://127.0.0.1:8080/feed_00001.xml", "https://Example.COM/News/RSS?Lang=EN#Top", "HTTP://EXAMPLE.com",
        "https://example.com?x=1", "https://example.com#frag", "https://example.com:443", "https://example.com:443/",
        "https://sub.Example.co.uk/a/b/c.xml?x=1&y=%20z", "https://example.com/caf%C3%A9.xml",
        "https://example.com/a;b=c/d.rss", "https://example.com./feed", "https://EXAMPLE.com:8443/Feed.XML",
        "https://user:secret@Example.com/feed", "https://user@example.com/feed", "https://[::1]:8080/feed",
        "https://xn--caf-dma.example/feed", "https://example.com:08080/feed", "https://ex%41mple.com/feed",
        "https://exämple.com/feed", "https://example.com/feed?q=ä", "Https://Example.com/UPPER/path/",
        "https://example.com:/feed", "https://example.com//double//slash", "https://a.b-c_d.example/x",
        // Outside RFC 3986 (review 7b): kept raw by a URL parser, they would send URLComponents' way elsewhere.
        "https://example.com/a|b.xml", "https://example.com/{x}/feed", "https://example.com/a^b",
        "https://example.com/a`b", "https://example.com/a\"b", "https://example.com/100%", "https://example.com/a#b#c",
        "https://example.com/a[1].xml", "https://example.com/feed?q=a|b&r={c}",
    ]

    @Test(arguments: urls)
    func theKeyByHandIsTheComponentsKey(_ text: String) throws {
        guard let url = URL(string: text) else { return }
        let components = FeedConfig.componentsKey(url)
        if let plain = FeedConfig.plainKey(url.absoluteString) {
            #expect(plain == components, "\(url.absoluteString)")
        }
        #expect(FeedConfig.normalizedKey(url) == components)
    }

    @Test func plainURLsTakeTheWayByHand() {
        for text in [
            "http://127.0.0.1:8080/feed_00001.xml", "https://Example.COM/News/RSS?Lang=EN", "HTTP://EXAMPLE.com",
        ] {
            #expect(FeedConfig.plainKey(URL(string: text)!.absoluteString) != nil, "\(text)")
        }
        #expect(FeedConfig.plainKey("HTTP://EXAMPLE.com") == "http://example.com/")
        for text in ["https://user@example.com/f", "https://[::1]/f", "https://xn--caf-dma.example/f", "mailto:a@b"] {
            #expect(FeedConfig.plainKey(text) == nil, "\(text)")
        }
    }
}
