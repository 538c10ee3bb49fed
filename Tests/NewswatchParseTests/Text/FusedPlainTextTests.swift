import NewswatchTestSupport
import Testing

@testable import NewswatchParse

/// HTML to text in one pass (`SimpleHTMLScanner.plainText` with `CleanWriter`) against the two passes it replaces:
/// the scanner's bytes, then `TextCleaner.clean` — byte for byte, on generated fragments full of what the cleaner
/// treats specially (every kind of white space, C1 references, zero-width spaces, byte-order marks, `<` decoded).
@Suite struct FusedPlainTextTests {
    static let pieces: [String] = [
        "<p>", "</p>", "<b>", "</b>", "<br/>", "<div class=\"a > b\">", "</div>", "<a href='u?x=1&amp;y=2'>", "</a>",
        "<script>var s = '<p>';</script>", "<style>p{}</style>", "<!-- c -->", "<img src=x.png>",
        "news", "Gaza", "U.S.", "1,000", "caf\u{E9}", "\u{201C}quoted\u{201D}", "\u{4E2D}\u{6587}", "\u{1F600}",
        "&amp;", "&lt;", "&gt;", "&#60;", "&eacute;", "&nbsp;", "&#160;", "&#146;", "&#129;", "&#x9D;", "&#8217;",
        "&#x1F600;", "&#9;", "&#10;", "&#32;", "&hellip;", "&mu;", "&ne;", "AT&T", "& ", "&unknown;", "a < b",
        " ", "  ", "\n", "\t", "\r\n", "\u{A0}", "\u{2003}", "\u{2028}", "\u{2029}", "\u{200B}", "\u{FEFF}",
        "\u{3000}", "\u{1680}", "\u{205F}", "\u{7F}", "\u{1}", "\u{85}", "\u{92}", "\u{8D}",
    ]

    /// The two-pass result, or `nil` where the one pass must hand over (the scanner declined, or a `<` came out).
    static func twoPass(_ bytes: [UInt8]) -> String? {
        var raw: [UInt8] = []
        guard bytes.withUnsafeBufferPointer({ SimpleHTMLScanner.text($0, into: &raw) }), !raw.contains(0x3C) else {
            return nil
        }
        return TextCleaner.clean(raw)
    }

    @Test func onePassEqualsScannerThenCleaner() {
        var rng = SplitMix(seed: 18)
        var onePass = 0
        var handedOver = 0
        for round in 0..<4_000 {
            var html = ""
            for _ in 0..<Int(rng.next() % UInt64(round < 200 ? 4 : 40)) {
                html += Self.pieces[Int(rng.next() % UInt64(Self.pieces.count))]
            }
            let bytes = Array(html.utf8)
            let fused = bytes.withUnsafeBufferPointer { SimpleHTMLScanner.plainText($0) }
            #expect(fused == Self.twoPass(bytes), Comment(rawValue: html.debugDescription))
            if fused == nil { handedOver += 1 } else { onePass += 1 }
        }
        // Both outcomes are exercised.
        #expect(onePass > 1_000 && handedOver > 500, "\(onePass) one-pass, \(handedOver) handed over")
    }

    /// Through the extractor (which every field goes through) the text is what it was: the two passes with the
    /// double-escape check, for fragments that take the one pass, hand over, or are escaped twice.
    @Test func extractorTextIsUnchanged() {
        var rng = SplitMix(seed: 8)
        let extractor = HTMLTextExtractor()
        for _ in 0..<2_000 {
            var html = ""
            for _ in 0..<Int(rng.next() % 30) { html += Self.pieces[Int(rng.next() % UInt64(Self.pieces.count))] }
            if rng.next() % 8 == 0 { html = "&lt;p&gt;" + html + "&lt;/p&gt;" }
            let bytes = Array(html.utf8)
            var escaped = false
            let text = bytes.withUnsafeBufferPointer { extractor.plainText($0, doubleEscaped: &escaped) }
            #expect(text == Self.reference(bytes, extractor), Comment(rawValue: html.debugDescription))
        }
    }

    /// `HTMLTextExtractor.plainText` as it was before the one pass.
    static func reference(_ html: [UInt8], _ extractor: HTMLTextExtractor) -> String {
        var raw = html.withUnsafeBufferPointer { extractor.text(of: $0) }
        if raw.contains(0x3C), raw.withUnsafeBufferPointer({ HTMLElementClass.looksLikeMarkup($0) }) {
            let once = raw
            raw = once.withUnsafeBufferPointer { extractor.text(of: $0) }
        }
        return TextCleaner.clean(raw)
    }

    /// Text too small for its pieces never writes past the storage: one piece or many, the writer refuses what
    /// would not fit, and a single piece always fits the room `TextCleaner.clean` gives it.
    @Test func writerStaysInsideItsCapacity() {
        let text = Array("a \u{92}\u{92}\u{92} b".utf8)
        let capacity = text.count + text.count / 2 + 1
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var writer = CleanWriter(buffer, capacity: capacity)
        text.withUnsafeBufferPointer { writer.write($0.baseAddress!, $0.count) }
        #expect(!writer.overflowed)
        #expect(String(decoding: UnsafeBufferPointer(start: buffer, count: writer.count), as: UTF8.self) == "a ’’’ b")
        var small = CleanWriter(buffer, capacity: 4)
        text.withUnsafeBufferPointer { small.write($0.baseAddress!, $0.count) }
        #expect(small.overflowed && small.count == 0)
    }
}
