import Foundation
import Testing

@testable import NewswatchParse

/// Hostile markup is refused before libxml2 sees it; real feeds never are (CONTRACT §2).
@Suite struct MarkupGuardTests {
    /// `count` attributes `a0="" a1="" …` on one start tag.
    static func attributes(_ count: Int, quote: String = "\"") -> String {
        (0..<count).map { "a\($0)=\(quote)\(quote)" }.joined(separator: " ")
    }

    private func violation(_ text: String, html: Bool = false) -> String? {
        Array(text.utf8).withUnsafeBufferPointer { MarkupGuard.violation(in: $0, html: html) }
    }

    @Test func attributeBombIsRefusedBeforeLibXML2() {
        let doc = rss(item: "<title>x</title>").replacingOccurrences(
            of: "<item>", with: "<item \(Self.attributes(120_000))>")
        let started = Date()
        #expect(parseErrorKind(Data(doc.utf8)) == .hostile)
        // libxml2 2.9 spends 8–12 s on this document; the guard refuses it in one linear pass.
        #expect(Date().timeIntervalSince(started) < 5)
        do {
            _ = try FeedParser.parse(Data(doc.utf8))
        } catch {
            #expect(error.description.contains("more than 256 attributes"))
        }
    }

    @Test func oversizedStartTagIsRefused() {
        let doc = rss(item: "<title>x</title>").replacingOccurrences(
            of: "<item>", with: "<item a=\"" + String(repeating: "x", count: 1 << 20) + "\">")
        #expect(parseErrorKind(Data(doc.utf8)) == .hostile)
    }

    @Test func realMarkupPassesWithManyEqualsSignsAndAngleBrackets() throws {
        // 256 attributes, '=' and '>' inside values, comments, CDATA and a PI full of '=': all legitimate.
        let query = (0..<300).map { "k\($0)=v" }.joined(separator: "&amp;")
        let item = """
            <title a="1>2" b='x=y'>Many &amp; more</title>
            <link>https://example.org/a?\(query)</link>
            <description><![CDATA[<p \(Self.attributes(300))>text</p>]]></description>
            <!-- \(Self.attributes(300)) -->
            <?pi \(Self.attributes(300))?>
            <category \(Self.attributes(256))>c</category>
            """
        let feed = try parse(rss(item: item))
        #expect(feed.items.first?.title == "Many & more")
        #expect(feed.items.first?.summary == "text")
        #expect(feed.items.first?.categories == ["c"])
        #expect(violation("<a \(Self.attributes(256))>") == nil)
        #expect(violation("<a \(Self.attributes(257))>") != nil)
    }

    @Test func unterminatedLiteralsDoNotHideABomb() {
        // A comment, CDATA or PI that never ends is not skipped: libxml2 would read on.
        for opener in ["<!--", "<![CDATA[", "<?pi"] {
            #expect(violation("\(opener) <x \(Self.attributes(300))>") != nil, "\(opener)")
        }
        // A DOCTYPE is read through: an entity value may hold markup that libxml2 parses when referenced.
        #expect(violation("<!DOCTYPE rss [<!ENTITY e \"<x \(Self.attributes(300, quote: "'"))>\">]><rss/>") != nil)
        // In XML a '<' ends a broken quoted value, as libxml2 does; the next tag is still counted.
        #expect(violation("<a b=\"<c \(Self.attributes(300))>") != nil)
    }

    /// Long quoted values are read eight bytes at a time: the closing quote, a `'<'` (XML) and `'>'`/`'='` inside are
    /// still found at every offset.
    @Test func longQuotedValuesAreReadAtEveryOffset() {
        for offset in 0..<20 {
            let pad = String(repeating: "x", count: offset)
            for quote in ["\"", "'"] {
                let other = quote == "\"" ? "'" : "\""
                // '>', '=' and the other quote inside the value are text; the attributes after it count.
                let value = "\(pad)>=\(other)\(pad)"
                #expect(violation("<a v=\(quote)\(value)\(quote) \(Self.attributes(255))>") == nil, "\(offset)")
                #expect(violation("<a v=\(quote)\(value)\(quote) \(Self.attributes(256))>") != nil, "\(offset)")
            }
            // XML: a '<' in the value ends the tag there (what follows is read as another, broken, tag); HTML reads
            // the value to its quote and counts the attributes after it.
            let split = "<a v=\"\(pad)<b\" \(Self.attributes(300))>"
            #expect(violation(split) == nil, "\(offset)")
            #expect(violation(split, html: true) != nil, "\(offset)")
        }
    }

    @Test func htmlRulesKeepLessThanInsideQuotedValues() {
        // HTML allows '<' inside a quoted value: the tag goes on, and its attributes still count.
        #expect(violation("<p title=\"a<b\" \(Self.attributes(300))>", html: true) != nil)
        #expect(violation("<p title=\"a<b\" \(Self.attributes(20))>", html: true) == nil)
    }

    @Test func hostileHTMLFieldIsDroppedWithAWarning() throws {
        // A DOCTYPE sends the fragment past the linear fast path to libxml2's HTML parser, quadratic in attributes.
        let fragment = "&lt;!DOCTYPE x&gt;&lt;p \(Self.attributes(100_000, quote: "&quot;"))&gt;hi&lt;/p&gt;"
        let started = Date()
        let feed = try parse(rss(item: "<title>x</title><description>\(fragment)</description>"))
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(feed.items.first?.title == "x")
        #expect(feed.items.first?.summary == nil)
        #expect(feed.warnings.contains { $0.contains("hostile markup") })
    }

    @Test func opmlAttributeBombIsRefused() {
        let opml =
            "<opml version=\"2.0\"><body><outline \(Self.attributes(100_000)) xmlUrl=\"https://a.example/\"/></body></opml>"
        do {
            _ = try OPMLParser.parse(Array(opml.utf8))
            Issue.record("parsed")
        } catch {
            #expect(error.kind == .hostile)
        }
    }

    @Test func nestedNamespaceDeclarationsAreBounded() {
        // 250 nested elements declaring 128 namespaces each: libxml2 scans every declaration in scope per
        // prefixed attribute (9 MB of this took it over 5 s).
        let declarations = (0..<128).map { "xmlns:n\($0)=\"urn:\($0)\"" }.joined(separator: " ")
        let uses = (0..<127).map { "z:a\($0)=\"\"" }.joined(separator: " ")
        let nested = String(repeating: "<x \(declarations) \(uses)>", count: 250)
        let doc =
            "<rss version=\"2.0\" xmlns:z=\"urn:z\"><channel><item><title>t</title>\(nested)</item></channel></rss>"
        let started = Date()
        #expect(parseErrorKind(Data(doc.utf8)) == .hostile)
        #expect(Date().timeIntervalSince(started) < 5)
        // The same declarations on siblings, or on every item, leave scope at each end tag: fine.
        let siblings = String(repeating: "<x \(declarations) \(uses)/><y \(declarations)></y>", count: 50)
        #expect(violation("<rss xmlns:z=\"urn:z\">\(siblings)</rss>") == nil)
        let items = String(repeating: "<item xmlns=\"urn:a\" xmlns:dc=\"urn:dc\"><title>t</title></item>", count: 2_000)
        #expect(violation("<rss><channel>\(items)</channel></rss>") == nil)
        // A default namespace counts too; attributes merely named like one do not.
        #expect(violation(String(repeating: "<x xmlns=\"urn:a\" xmlnsfoo=\"1\">", count: 513)) != nil)
        #expect(violation(String(repeating: "<x xmlnsfoo=\"1\" a:xmlns=\"2\">", count: 600)) == nil)
    }
}
