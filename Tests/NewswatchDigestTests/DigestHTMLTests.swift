import Foundation
import NewswatchCore
import NewswatchParse
import Testing

@testable import NewswatchDigest

/// The HTML digest: self-contained, structured, and safe against hostile feed text (checked by parsing it
/// back with libxml2's HTML parser).
@Suite struct DigestHTMLTests {
    @Test func hostileFeedTextAddsNoElementOrAttribute() throws {
        let hostile = HTMLInspector.inspect(DigestHTMLRenderer.render(DigestSamples.hostile()))
        let benign = HTMLInspector.inspect(DigestHTMLRenderer.render(DigestSamples.benign()))
        // The same elements and attributes, in the same order, as the same digest with harmless text.
        #expect(hostile.nodes.map(\.name) == benign.nodes.map(\.name))
        #expect(hostile.nodes.map { $0.attributes.map(\.name) } == benign.nodes.map { $0.attributes.map(\.name) })
        #expect(hostile.nodes.count > 50)
        // Attribute values agree too, except an href that carries the one (escaped) web link.
        for (h, b) in zip(hostile.nodes, benign.nodes) {
            for (ha, ba) in zip(h.attributes, b.attributes) where ha.value != ba.value {
                #expect(ha.name == "href", "\(h) vs \(b)")
                #expect(ha.value == "https://ok.example/\"><script>alert(1)</script>?a=1&b='2'")
            }
        }
        let names = Set(hostile.nodes.map(\.name))
        #expect(hostile.nodes.filter { $0.name == "#cdata" }.count == 1)  // the style sheet
        for forbidden in ["script", "img", "iframe", "object", "embed", "link", "base", "form", "#comment", "#pi"] {
            #expect(!names.contains(forbidden), "\(forbidden)")
        }
        for attribute in hostile.nodes.flatMap(\.attributes) {
            #expect(!attribute.name.hasPrefix("on"), "\(attribute.name)")
            #expect(attribute.name != "src" && attribute.name != "style", "\(attribute.name)")
            if attribute.name == "href" {
                #expect(attribute.value.hasPrefix("#") || attribute.value.hasPrefix("https://"), "\(attribute.value)")
            }
        }
        // The hostile text is shown as text.
        #expect(hostile.text.contains("<script>alert(1)</script> #"))
        #expect(hostile.text.contains("\"><img src=x onerror=alert(1)> #"))
        #expect(hostile.text.contains("&lt;b&gt;&amp; #"))
        #expect(hostile.text.contains("[link](javascript:alert(3))"))
    }

    @Test func nonWebLinksAreNeverHrefs() {
        var data = DigestSamples.day()
        data.topics[0].stories = data.topics[0].stories.map { story in
            var s = story
            s.link = "javascript:alert(1)"
            s.sources = s.sources.map {
                var x = $0
                x.link = "  JavaScript:alert(2)"
                return x
            }
            return s
        }
        let html = DigestHTMLRenderer.render(data)
        #expect(!html.lowercased().contains("javascript:"))
        #expect(DigestText.webLink("javascript:alert(1)") == nil)
        #expect(DigestText.webLink("https://a.example/x y") == nil)
        #expect(DigestText.webLink("HTTPS://a.example/x") == "HTTPS://a.example/x")
        #expect(DigestText.webLink("http://") == nil)
    }

    @Test func selfContainedAndReadable() throws {
        let html = DigestHTMLRenderer.render(DigestSamples.day())
        #expect(html.hasPrefix("<!doctype html>\n"))
        #expect(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
        #expect(html.contains("max-width:46rem"))
        #expect(html.contains("@media print"))
        let report = HTMLInspector.inspect(html)
        let names = report.nodes.map(\.name)
        #expect(names.filter { $0 == "style" }.count == 1)
        #expect(!names.contains("script"))
        // Nothing loads from elsewhere: no src, no stylesheet links, no url() in the CSS, no @import.
        #expect(!report.nodes.flatMap(\.attributes).contains { $0.name == "src" })
        #expect(!html.contains("url(") && !html.contains("@import"))
        // The table of contents links every topic section and feed health, and each target exists.
        let ids = Set(report.nodes.flatMap(\.attributes).filter { $0.name == "id" }.map(\.value))
        let anchors = report.nodes.flatMap(\.attributes).filter { $0.name == "href" && $0.value.hasPrefix("#") }
        #expect(anchors.map(\.value) == ["#topic-gaza", "#topic-us-israel", "#topic-lebanon", "#feed-health"])
        for a in anchors { #expect(ids.contains(String(a.value.dropFirst())), "\(a.value)") }
    }

    @Test func svgChartPerTopicWithAxesAndTooltips() throws {
        let html = DigestHTMLRenderer.render(DigestSamples.day())
        let nodes = HTMLInspector.inspect(html).nodes
        // Two topics with items get a chart; the empty one does not.
        #expect(nodes.filter { $0.name == "svg" }.count == 2)
        // 24 hours, each with a tooltip: "07:00–08:00: 0 items".
        #expect(html.components(separatedBy: "<title>").count - 1 == 1 + 2 * 24)
        #expect(html.contains("<title>18:00–19:00: 2 items</title>"))
        #expect(html.contains("<title>06:00–07:00: 0 items</title>"))
        // Bars only where there are items (Gaza: 6 hours, U.S.–Israel: 2).
        #expect(nodes.filter { n in n.attributes.contains { $0.name == "class" && $0.value == "bar" } }.count == 8)
        // Axis labels: local hours every three hours, and the y scale 0 / peak.
        #expect(html.contains(">07:00</text>") && html.contains(">04:00</text>"))
        #expect(html.contains("class=\"y\" x=\"29\" y=\"140\">0</text>"))
        #expect(html.contains(">2</text>"))
    }

    @Test func storiesCarryTheirFacts() {
        let html = DigestHTMLRenderer.render(DigestSamples.day())
        #expect(html.contains("<h3><a href=\"https://news.example.org/world/ceasefire-talks\">Ceasefire talks resume"))
        // Times in the digest zone (16:03Z is 18:03 in Jerusalem in November), machine-readable in UTC.
        #expect(html.contains("<time datetime=\"2026-11-24T16:03:12Z\">24 Nov 18:03</time> · 3 sources: "))
        #expect(html.contains("<span class=\"term\">Gaza</span> <span class=\"term\">ceasefire</span>"))
        #expect(html.contains("<strong>7 items</strong> in <strong>4 stories</strong> · 7-day average: 5.3 items"))
        #expect(html.contains("Nothing today"))
        #expect(html.contains("HTTP 404 Not Found</span> (4×)"))
    }
}
