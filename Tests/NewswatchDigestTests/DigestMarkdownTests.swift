import Foundation
import NewswatchCore
import NewswatchParse
import NewswatchTestSupport
import Testing

@testable import NewswatchDigest

/// The Markdown digest: content, plain-text layout and escaping of feed text.
@Suite struct DigestMarkdownTests {
    @Test func contentReadsAsPlainText() {
        let md = DigestMarkdownRenderer.render(DigestSamples.day())
        let lines = md.components(separatedBy: "\n")
        #expect(lines[0] == "# Digest for Wednesday 25 November 2026")
        #expect(
            lines.contains(
                "Items first seen from Tue 24 Nov 2026 07:00 to Wed 25 Nov 2026 07:00, Asia/Jerusalem time (UTC+02:00), 24 hours."
            ))
        #expect(
            lines.contains(
                "Contents: Gaza (7 items) · U.S.–Israel relations (2 items) · Lebanon (nothing) · Feed health (2 failing, 1 silent)"
            ))
        #expect(
            lines.contains("High priority. 7 items in 4 stories; 7-day average: 5.3 items, 3.1 stories (items +32%)."))
        #expect(
            lines.contains("Normal priority. 2 items in 1 story; 7-day average: 3.0 items, 2.0 stories (items −33%)."))
        #expect(
            lines.contains(
                "1. **[Ceasefire talks resume in Cairo as aid trucks enter Gaza](https://news.example.org/world/ceasefire-talks)**  "
            ))
        #expect(
            lines.contains(
                "   24 Nov 18:03 · 3 sources: [Example World](https://news.example.org/world/ceasefire-talks), "
                    + "[Daily Wire Service](https://wire.example.com/a/98231), [Levant Times](https://levant.example.net/gaza/ceasefire-cairo)  "
            ))
        #expect(lines.contains("   Matched: Gaza, ceasefire  "))
        // The empty topic says so, then feed health.
        let lebanon = lines.firstIndex(of: "## Lebanon")!
        #expect(lines[lebanon + 4] == "Nothing today: no item matched this topic in the period.")
        #expect(
            lines.contains(
                "- **[Old Gazette](https://gazette.example.org/rss)** failed 6 times: HTTP 404 Not Found (4×); HTTP 410 Gone (2×). Last failure 25 Nov 06:30."
            ))
        #expect(
            lines.contains("- **[Harbour News](https://harbour.example.com/atom)**: no new item since 20 Nov 10:00."))
        #expect(md.hasSuffix("10:00.\n"))
    }

    @Test func hourlyVolumeAsTextBars() {
        let md = DigestMarkdownRenderer.render(DigestSamples.day())
        let lines = md.components(separatedBy: "\n")
        let start = lines.firstIndex(of: "```text")!
        let chart = Array(lines[(start + 1)...].prefix { $0 != "```" })
        #expect(chart.count == 24)
        #expect(chart.first == "07:00 0")
        #expect(chart[11] == "18:00 2 " + String(repeating: "█", count: 30))
        #expect(chart[12] == "19:00 1 " + String(repeating: "█", count: 15))
        #expect(chart.last == "06:00 0")
    }

    @Test func summariesAreCutAtThreeHundredCharacters() throws {
        let md = DigestMarkdownRenderer.render(DigestSamples.day())
        let line = try #require(md.components(separatedBy: "\n").first { $0.hasPrefix("   Aid agencies describe") })
        let text = line.dropFirst(3)
        #expect(text.count <= 300)
        #expect(text.hasSuffix("Aid agencies…"))
        #expect(DigestText.summary(String(repeating: "x", count: 400))?.count == 300)
        #expect(DigestText.summary("short\n\n text") == "short text")
        #expect(DigestText.summary("   ") == nil)
    }

    /// Removing the backslash escapes gives back the text, and no markup character is left unescaped.
    @Test func escapingKeepsTextAndNeutralisesMarkup() {
        for raw in DigestSamples.hostileTexts + [
            "5 * 3 = 15", "a_b_c snake_case _x_", "AT&T &amp; Q&A", "2024. A year", "-5%",
        ] {
            let escaped = DigestMarkdownRenderer.escape(raw)
            var unescaped = ""
            var previousWasBackslash = false
            for ch in escaped {
                if ch == "\\" && !previousWasBackslash {
                    previousWasBackslash = true
                    continue
                }
                if previousWasBackslash { #expect(ch.isASCII && ch.isPunctuation || ch.isSymbol, "\(escaped)") }
                previousWasBackslash = false
                unescaped.append(ch)
            }
            #expect(unescaped == DigestText.oneLine(raw))
            #expect(!escaped.contains("\n"))
            let scalars = Array(escaped.unicodeScalars)
            for (i, s) in scalars.enumerated() where "*[]<>`~|".unicodeScalars.contains(s) {
                #expect(i > 0 && scalars[i - 1] == "\\", "unescaped \(s) in \(escaped)")
            }
        }
        #expect(DigestMarkdownRenderer.escape("# Heading") == "\\# Heading")
        #expect(DigestMarkdownRenderer.escape("- item") == "\\- item")
        #expect(DigestMarkdownRenderer.escape("2024. A year") == "2024\\. A year")
        #expect(DigestMarkdownRenderer.escape("snake_case") == "snake_case")
        #expect(DigestMarkdownRenderer.escape("_em_") == "\\_em\\_")
        #expect(DigestMarkdownRenderer.escape("AT&T &amp;") == "AT&T \\&amp;")
        #expect(DigestMarkdownRenderer.destination("https://x.example/a_(b)") == "https://x.example/a_\\(b\\)")
    }

    @Test func blankTitlesFallBackToASourceTitle() {
        var data = DigestSamples.day()
        data.topics[0].stories[0].title = " \n "
        data.topics[0].stories[0].sources[0].title = "From the wire"
        data.topics[0].stories[1].title = nil
        data.topics[0].stories[1].sources[0].title = nil
        let md = DigestMarkdownRenderer.render(data)
        #expect(md.contains("3. **[From the wire](https://wire.example.com/a/98302)**"))
        #expect(md.contains("4. **[(untitled)](https://news.example.org/world/un-shelters)**"))
    }

    @Test func nonWebLinksAreNotLinked() {
        let md = DigestMarkdownRenderer.render(DigestSamples.hostile())
        // Escaped brackets from feed text (`\](`) are text; no real link destination is a non-web URL.
        let links = md.replacingOccurrences(of: "\\](", with: "").lowercased()
        #expect(links.contains("]("))
        #expect(!links.contains("](javascript:"))
        #expect(!links.contains("](data:") && !links.contains("](vbscript:"))
        #expect(!links.contains("](//") && !links.contains("]( "))
        // The one web link is kept, with its quote and angle brackets percent-encoded.
        #expect(md.contains("](https://ok.example/%22%3E%3Cscript%3Ealert\\(1\\)%3C/script%3E?a=1&b='2')"))
    }

    /// Rendered by a real CommonMark implementation (cmark; a missing one fails the test), hostile text yields the
    /// same elements as harmless text.
    @Test func commonMarkSeesNoInjectedMarkup() throws {
        let cmark = try RequiredTool.path("cmark", install: "apt-get install cmark")
        func rendered(_ data: DigestData) throws -> HTMLInspector.Report {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: cmark)
            let input = Pipe()
            let output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            input.fileHandleForWriting.write(Data(DigestMarkdownRenderer.render(data).utf8))
            try input.fileHandleForWriting.close()
            let html = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return HTMLInspector.inspect(String(decoding: html, as: UTF8.self))
        }
        let hostile = try rendered(DigestSamples.hostile())
        let benign = try rendered(DigestSamples.benign())
        #expect(hostile.nodes.map(\.name) == benign.nodes.map(\.name))
        #expect(hostile.nodes.map { $0.attributes.map(\.name) } == benign.nodes.map { $0.attributes.map(\.name) })
        #expect(hostile.text.contains("<script>alert(1)</script> #"))
        #expect(hostile.text.contains("**bold** _em_ [link](javascript:alert(3))"))
    }
}
