import Testing

@testable import NewswatchStore

@Suite struct LinkNormalizerTests {
    @Test(arguments: [
        // scheme, host case, www, default port, fragment, trailing slash
        ("HTTP://WWW.Example.COM/World/Story-1/", "https://example.com/World/Story-1"),
        ("https://example.com:443/a#comments", "https://example.com/a"),
        ("http://example.com:80/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("https://example.com", "https://example.com"),
        ("https://example.com/", "https://example.com"),
        ("https://example.com//a//b/", "https://example.com/a/b"),
        // tracking parameters
        ("https://example.com/a?utm_source=rss&utm_medium=feed&UTM_Campaign=x", "https://example.com/a"),
        ("https://example.com/a?id=7&fbclid=abc&gclid=def", "https://example.com/a?id=7"),
        ("https://example.com/a?mc_cid=1&mc_eid=2&ref=rss&_ga=3", "https://example.com/a"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/a?source=rss", "https://example.com/a"),
        ("https://example.com/a?source=print", "https://example.com/a?source=print"),
        ("https://example.com/a?x=1;utm_term=y", "https://example.com/a?x=1"),
        // AMP variants
        ("https://example.com/news/story/amp/", "https://example.com/news/story"),
        ("https://example.com/amp/news/story", "https://example.com/news/story"),
        ("https://example.com/news/story.amp", "https://example.com/news/story"),
        ("https://example.com/news/story.amp.html", "https://example.com/news/story.html"),
        ("https://example.com/news/story?amp=1", "https://example.com/news/story"),
        ("https://example.com/news/story?amp", "https://example.com/news/story"),
        ("https://example.com/news/story?outputType=amp", "https://example.com/news/story"),
        ("https://amp.example.com/news/story", "https://example.com/news/story"),
        ("https://www-example-com.cdn.ampproject.org/c/s/www.example.com/news/story/amp/",
         "https://example.com/news/story"),
        // what stays
        ("https://example.com/Path/Case", "https://example.com/Path/Case"),
        ("https://example.com/article?id=12345", "https://example.com/article?id=12345"),
        ("https://example.com/search?tag=gaza", "https://example.com/search?tag=gaza"),
    ])
    func normalises(input: String, expected: String) {
        #expect(LinkNormalizer.normalize(input) == expected)
        // Normalising is idempotent: a stored normal form looks itself up.
        #expect(LinkNormalizer.normalize(expected) == expected)
    }

    @Test func variantsOfOneArticleAgree() {
        let variants = [
            "https://www.example.org/world/2026/11/24/strike-rafah/",
            "http://example.org/world/2026/11/24/strike-rafah?utm_source=twitter&utm_medium=social",
            "https://EXAMPLE.org/world/2026/11/24/strike-rafah/amp/#top",
            "https://example.org/world/2026/11/24/strike-rafah?amp=1&fbclid=IwAR0",
        ]
        let normalised = Set(variants.compactMap(LinkNormalizer.normalize))
        #expect(normalised == ["https://example.org/world/2026/11/24/strike-rafah"])
    }

    @Test func differentArticlesStayDifferent() {
        #expect(
            LinkNormalizer.normalize("https://example.org/article?id=1")
                != LinkNormalizer.normalize("https://example.org/article?id=2"))
        #expect(
            LinkNormalizer.normalize("https://example.org/a/story")
                != LinkNormalizer.normalize("https://example.org/b/story"))
        #expect(
            LinkNormalizer.normalize("https://example.org/story")
                != LinkNormalizer.normalize("https://example.net/story"))
    }

    @Test func nonHTTPTextIsOnlyTrimmed() {
        #expect(LinkNormalizer.normalize("") == nil)
        #expect(LinkNormalizer.normalize("   ") == nil)
        #expect(LinkNormalizer.normalize(" /relative/path ") == "/relative/path")
        #expect(LinkNormalizer.normalize("urn:uuid:1234") == "urn:uuid:1234")
        #expect(LinkNormalizer.normalize("ftp://example.org/x") == "ftp://example.org/x")
    }
}
