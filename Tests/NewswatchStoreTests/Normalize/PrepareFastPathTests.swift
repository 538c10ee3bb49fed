import Foundation
import NewswatchCore
import NewswatchTestSupport
import PropertyBased
import Testing

@testable import NewswatchStore

/// Issue 18: `prepare()`'s fast paths (plain links, byte-wise title normalisation, the ASCII summary cut, the
/// pairwise topic-id check) must give exactly what the general code gives, on any input.
@Suite struct PrepareFastPathTests {
    private static let linkPieces = [
        "https://", "http://", "HTTP://", "https:/", "www.", "WWW.", "amp.", "Amp", "amp", "/amp", ".amp", ".amp.html",
        "example.com", "Example.COM", "news.example.org", "a", "b-c", "7", ".", "..", "/", "//", "?", "&", "=", "#",
        ":", ":80", ":443", ":8443", "@", "user:pw@", "utm_source=rss", "id=7", "%20", " ", "\t", "é", "ü/",
        ".cdn.ampproject.org/c/s/", "[::1]", "~x", "'", "index.html", "story-1", "champ", "/AMP/", ".aMp", "amp.",
    ]

    private static let plainPieces = [
        "example.com", "a", "b-c", "7", ".", "/", "/", "story-1", "index.html", "amp", "/amp", ".amp", "Amp", "www.",
    ]

    @Test func plainLinksNormaliseAsEveryLinkDoes() async {
        await propertyCheck(count: 3000, input: Gen.int(in: 0...Int.max)) { seed in
            var r = SplitMix(state: UInt64(seed))
            let start = ["https://", "http://", "https://www.", "http://amp.", ""][r.below(5)]
            // Half the links from pieces a plain link is made of, so the fast path's edges get hit often.
            let link = start + r.text(from: r.below(2) == 0 ? Self.linkPieces : Self.plainPieces, count: 0...8)
            let fast = LinkNormalizer.plainNormalized(link)
            if let fast { #expect(fast == LinkNormalizer.slowNormalize(link), "\(link)") }
            #expect(LinkNormalizer.normalize(link) == LinkNormalizer.slowNormalize(link), "\(link)")
        }
    }

    @Test(arguments: [
        "https://example.com/world/story-1", "http://news.example.org/2026/12/06/a.html", "https://example.com",
        "https://sub.example.co.uk/a/b/c-d_e~f.php", "https://champion.example.com/campus/stamp-duty",
    ])
    func typicalLinksTakeTheFastPath(link: String) {
        #expect(LinkNormalizer.plainNormalized(link) != nil)
        #expect(LinkNormalizer.plainNormalized(link) == LinkNormalizer.slowNormalize(link))
    }

    @Test(arguments: [
        "https://www.example.com/a", "https://example.com/a/", "https://example.com//a", "https://Example.com/a",
        "https://example.com:8443/a", "https://example.com/a?id=1", "https://example.com/a#c",
        "https://example.com/amp",
        "https://example.com/a.amp.html", " https://example.com/a", "https://example.com/ä", "ftp://example.com/a",
        "https://u@example.com/a", "https://example.com./a", "https://example.com/AMP/a", "https://example.com/a.Amp",
        "https://example-com.cdn.ampproject.org/c/s/example.com/a",
    ])
    func linksARuleTouchesTakeTheGeneralPath(link: String) {
        #expect(LinkNormalizer.plainNormalized(link) == nil)
    }

    private static let titlePieces = [
        "Gaza", " ", "  ", "U.S.", "Israel's", "Résumé", "ÉCOLE", "naïve", "Zürich", "—", "–", "\u{2019}", "«", "»",
        "12", ":", "!", "ΓΑΖΑ", "غزة", "עזה", "日本", "e\u{301}", "\u{1F600}", "\u{200D}", "\r\n", "\n", "\u{FEFF}",
        "Ǆ", "ß", "İ", "ﬁ", "½", "٣", "a", "Z", "-", "'", ".",
    ]

    /// The scalar-by-scalar normalisation the byte-wise one replaced.
    private static func scalarNormalized(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var pendingSpace = false
        func emit(_ b: UInt8) {
            if pendingSpace && !out.isEmpty { out.append(32) }
            pendingSpace = false
            out.append(b)
        }
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                let b = UInt8(v)
                switch b {
                case 65...90: emit(b + 32)
                case 97...122, 48...57: emit(b)
                case 46, 39: continue
                default: pendingSpace = true
                }
                continue
            }
            switch StoryTitle.folded(scalar) {
            case .join: continue
            case .separator: pendingSpace = true
            case .text(let bytes): bytes.forEach(emit)
            }
        }
        return out
    }

    @Test func titlesNormaliseAsScalarByScalar() async {
        await propertyCheck(count: 3000, input: Gen.int(in: 0...Int.max)) { seed in
            var r = SplitMix(state: UInt64(seed))
            let title = r.text(from: Self.titlePieces, count: 0...12)
            let bytes = StoryTitle.normalizedBytes(title)
            #expect(bytes == Self.scalarNormalized(title), "\(title.debugDescription)")
            #expect(StoryTitle(normalized: bytes) == StoryTitle(title))
        }
    }

    @Test func summariesCutAsPrefixCutsThem() async {
        await propertyCheck(count: 3000, input: Gen.int(in: 0...Int.max)) { seed in
            var r = SplitMix(state: UInt64(seed))
            let text = r.text(from: Self.titlePieces + ["abc ", "\r", "\r\n", "\n"], count: 0...40)
            let limit = 1 + r.below(30)
            #expect(
                StoryTitle.leading(text, characters: limit) == String(text.prefix(limit)), "\(text.debugDescription)")
        }
    }

    @Test func anAsciiSummaryIsCutAtItsFourHundredthCharacter() {
        let text = String(repeating: "word ", count: 100) + "e\u{301}"
        #expect(StoryTitle.leading(text, characters: 400) == String(text.prefix(400)))
        let crlf = String(repeating: "ab\r\n", count: 150)
        #expect(StoryTitle.leading(crlf, characters: 400) == String(crlf.prefix(400)))
        // The 400th character followed by a combining mark: the mark belongs to it.
        let marked = String(repeating: "x", count: 400) + "\u{301}yz"
        #expect(StoryTitle.leading(marked, characters: 400) == String(marked.prefix(400)))
    }

    @Test func repeatedTopicsKeepTheirFirstEntry() async {
        await propertyCheck(count: 2000, input: Gen.int(in: 0...Int.max)) { seed in
            var r = SplitMix(state: UInt64(seed))
            let ids = ["gaza", "israel", "a", "b", "a-very-long-topic-identifier-of-many-bytes", "é", "x1", "x2"]
            let n = r.below(r.below(4) == 0 ? 90 : 24)
            let matches = (0..<n).map { i in
                TopicMatch(topicID: ids[r.below(ids.count)], terms: [MatchedTerm(term: "t\(i)", field: .title)])
            }
            #expect(TopicMatch.distinctTopics(matches) == TopicMatch.distinctBySet(matches))
        }
        let distinct = (0..<200).map { TopicMatch(topicID: "topic-\($0)", terms: []) }
        #expect(TopicMatch.distinctTopics(distinct) == distinct)
    }
}

extension PrepareFastPathTests {
    @Test func matchTextIsWrittenAsTheJSONValueTreeWroteIt() async {
        let pieces = ItemMatchTextTests.awkward + ["a", " ", "“", "\u{2028}", "\"", "\\"]
        await propertyCheck(count: 2000, input: Gen.int(in: 0...Int.max)) { seed in
            var r = SplitMix(state: UInt64(seed))
            func field() -> String? { r.below(3) == 0 ? nil : r.text(from: pieces, count: 0...4) }
            let categories = (0..<r.below(4)).map { _ in r.text(from: pieces, count: 0...3) }
            let item = ParsedItem(title: "t", summary: field(), content: field(), categories: categories)
            #expect(ItemMatchText.encode(item) == ItemMatchText.encodeAsJSONValue(item))
        }
    }
}

extension PrepareFastPathTests {
    @Test func matchesAreStoredAsTheirStoredMatchesAre() async {
        // Long words too, so separators fall in every position of the eight-byte blocks the writer checks at once;
        // U+001C is checked there as if it were one, and must come out unescaped.
        let words = [
            "gaza", "cease fire", "a\u{1E}b", "x\u{1D}", "\u{1F}", "é", "", "a-long-term-of-many-bytes-here",
            "\u{1C}", "twelve bytes", "seventeen-bytes-x", "\u{1C}\u{1D}\u{1E}\u{1F}\u{20}", "“curly”",
        ]
        await propertyCheck(count: 2000, input: Gen.int(in: 0...Int.max)) { seed in
            var r = SplitMix(state: UInt64(seed))
            let fields: [ItemField] = [.title, .summary, .content, .feed, .category]
            let matches = (0..<r.below(25)).map { _ in
                TopicMatch(
                    topicID: r.text(from: words, count: 1...2),
                    terms: (0..<(1 + r.below(4))).map { _ in
                        MatchedTerm(term: words[r.below(words.count)], field: fields[r.below(fields.count)])
                    })
            }
            let stored = matches.map { m in
                StoredMatch(
                    topic: m.topicID,
                    terms: m.terms.map(\.term).reduce(into: []) { if !$0.contains($1) { $0.append($1) } },
                    fields: m.terms.map(\.field).reduce(into: []) { if !$0.contains($1) { $0.append($1) } })
            }
            #expect(StoredMatch.encode(matches) == StoredMatch.encode(stored))
        }
    }
}

extension SplitMix {
    /// A string of `count` pieces drawn from `pieces`.
    fileprivate mutating func text(from pieces: [String], count: ClosedRange<Int>) -> String {
        let n = count.lowerBound + below(count.upperBound - count.lowerBound + 1)
        return (0..<n).map { _ in pieces[below(pieces.count)] }.joined()
    }
}
