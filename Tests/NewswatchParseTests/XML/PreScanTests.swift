import Foundation
import NewswatchCore
import PropertyBased
import Testing

@testable import NewswatchParse

/// The fused pre-pass (`PreScan`) decides exactly what UTF-8 validation, `MarkupGuard` and `EntityRepair` decide
/// one by one, and a parse through it equals a parse through the separate passes.
@Suite struct PreScanTests {
    private func verdict(_ bytes: [UInt8]) -> PreScan.Verdict { bytes.withUnsafeBufferPointer { PreScan.scan($0) } }
    private func verdict(_ text: String) -> PreScan.Verdict { verdict(Array(text.utf8)) }

    @Test func wellFormedFeedsAreDecidedInOnePass() {
        #expect(
            verdict(rss(item: "<title>Tom &amp; Jerry &lt;3 &#233; &#x26; &quot;x&apos;</title>"))
                == .clean(entitiesFine: true))
        // Non-ASCII in text, attribute values, comments, CDATA and PIs is valid UTF-8 wherever it is.
        let everywhere = rss(
            item: "<title a=\"é€😀\">Zürich – “x”</title><!-- ½ --><description><![CDATA[AT&T ✓]]></description><?p é?>")
        #expect(verdict(everywhere) == .clean(entitiesFine: true))
        // Eight-byte words that straddle a multi-byte character or end mid-word.
        #expect(verdict("<a>" + String(repeating: "é", count: 13) + "x<b/>€") == .clean(entitiesFine: true))
    }

    @Test func referencesEntityRepairWouldRewriteAreReported() {
        #expect(verdict(rss(item: "<title>AT&T</title>")) == .clean(entitiesFine: false))
        #expect(verdict(rss(item: "<title>caf&eacute;</title>")) == .clean(entitiesFine: false))
        #expect(verdict(rss(item: "<link>https://x.example/?a=1&b=2</link>")) == .clean(entitiesFine: false))
        #expect(verdict(rss(item: "<link href=\"?a=1&b=2\"/>")) == .clean(entitiesFine: false))
        #expect(verdict("<a>&</a>") == .clean(entitiesFine: false))
        #expect(verdict("<a>&am") == .clean(entitiesFine: false))
        // Inside CDATA, comments and PIs an '&' is text, as EntityRepair leaves it.
        #expect(verdict("<a><![CDATA[&]]><!-- & --><?p &?></a>") == .clean(entitiesFine: true))
        // A DOCTYPE or an unterminated "<!": EntityRepair's own regions decide.
        #expect(verdict("<!DOCTYPE a><a>x</a>") == .clean(entitiesFine: false))
        #expect(verdict("<a><!-- x</a>") == .clean(entitiesFine: false))
    }

    @Test func invalidUTF8AnywhereLeavesTheDocumentToTheSeparatePasses() {
        let prefix = Array("<rss><channel><title a=\"".utf8)
        for bad: [UInt8] in [
            [0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xC0, 0x80], [0x80], [0xF4, 0x90, 0x80, 0x80],
        ] {
            #expect(verdict(prefix + bad + Array("\">x</title></channel></rss>".utf8)) == .undecided, "\(bad)")
            #expect(verdict(Array("<a>text ".utf8) + bad + Array(" more</a>".utf8)) == .undecided, "\(bad)")
            #expect(verdict(Array("<a><![CDATA[".utf8) + bad + Array("]]></a>".utf8)) == .undecided, "\(bad)")
            #expect(verdict(Array("<a><!-- ".utf8) + bad + Array(" --></a>".utf8)) == .undecided, "\(bad)")
            #expect(verdict(Array("<a>".utf8) + bad) == .undecided, "\(bad)")
        }
    }

    @Test func hostileMarkupLeavesTheDocumentToTheGuard() {
        #expect(verdict("<a \(MarkupGuardTests.attributes(300))>x</a>") == .undecided)
        let declarations = (0..<200).map { " xmlns:p\($0)=\"u\"" }.joined()
        #expect(verdict("<a\(declarations)><b\(declarations)><c\(declarations)>x</c></b></a>") == .undecided)
    }

    @Test func invalidUTF8AndBrokenEntitiesAreStillRepairedThroughTheParser() throws {
        // "café" in windows-1252 inside a UTF-8 feed.
        let parts = rss(item: "<title>caf#</title>").components(separatedBy: "#")
        let feed = try FeedParser.parse(Data(Array(parts[0].utf8) + [0xE9] + Array(parts[1].utf8)))
        #expect(feed.items.first?.title == "café")
        #expect(feed.warnings.contains { $0.contains("invalid UTF-8 byte repaired") })
        let amp = try parse(rss(item: "<title>AT&T &nbsp;x</title>"))
        #expect(amp.items.first?.title == "AT&T x")
        #expect(amp.warnings.contains { $0.contains("unescaped '&'") })
    }

    // MARK: Properties on generated documents

    /// Markup, references, UTF-8 (valid and not) and the guard's limits, as pieces of documents.
    private static let pieces: [[UInt8]] = {
        let text = [
            "<", ">", "</", "/>", "<a", "<b x='1'", " y=\"2\"", " xmlns:p=\"u\"", " xmlns=\"v\"", "=", "\"", "'",
            "<!--", "-->", "<![CDATA[", "]]>", "<?pi", "?>", "<!DOCTYPE r [<!ENTITY e \"x\">]>", "<!x", "&", "&amp;",
            "&lt;", "&gt;", "&quot;", "&apos;", "&#38;", "&#x26;", "&#;", "&nbsp;", "&eacute;", "&e;", "&zz;", "&a",
            " ", "\n", "text", "ab", "é", "€", "😀", "<title>", "</title>", "<item>", "</item>",
        ].map { Array($0.utf8) }
        let invalid: [[UInt8]] = [[0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xC0, 0x80], [0x80]]
        let bounds = [
            Array(("<m " + MarkupGuardTests.attributes(300) + ">").utf8),
            Array(("<n" + (0..<200).map { " xmlns:q\($0)=\"u\"" }.joined() + ">").utf8),
        ]
        return text + text + invalid + bounds
    }()

    private static func document(_ seed: Int) -> [UInt8] {
        var rng = ByteWordsTests.Rng(state: UInt64(truncatingIfNeeded: seed))
        var doc: [UInt8] = []
        for _ in 0..<Int(rng.next() % 48) { doc += pieces[Int(rng.next() % UInt64(pieces.count))] }
        return doc
    }

    @Test func generatedDocumentsReachEveryVerdict() {
        var counts: [PreScan.Verdict: Int] = [:]
        for seed in 0..<2000 {
            counts[Self.document(seed).withUnsafeBufferPointer { PreScan.scan($0) }, default: 0] += 1
        }
        #expect(counts[.undecided, default: 0] > 100, "\(counts)")
        #expect(counts[.clean(entitiesFine: true), default: 0] > 100, "\(counts)")
        #expect(counts[.clean(entitiesFine: false), default: 0] > 100, "\(counts)")
    }

    @Test func verdictAgreesWithTheSeparatePasses() async {
        await propertyCheck(count: 3000, input: Gen.int(in: 0...Int.max)) { seed in
            let doc = Self.document(seed)
            doc.withUnsafeBufferPointer { b in
                let valid = UTF8Bytes.firstInvalid(b) == nil
                let guarded = MarkupGuard.violation(in: b, html: false) == nil
                var warnings: [String] = []
                let repaired = EntityRepair.repair(b, warnings: &warnings)
                switch PreScan.scan(b) {
                case .undecided:
                    #expect(!valid || !guarded, "\(doc)")
                case .clean(let fine):
                    #expect(valid && guarded, "\(doc)")
                    if fine {
                        #expect(repaired == nil, "\(doc)")
                    } else if repaired == nil {
                        // Only a DOCTYPE or an unterminated declaration makes the scan leave it to EntityRepair.
                        let text = String(decoding: doc, as: UTF8.self)
                        #expect(text.contains("<!") || text.contains("<?"), "\(doc)")
                    }
                }
            }
        }
    }

    @Test func parsingThroughThePreScanEqualsParsingThroughTheSeparatePasses() async {
        let heads: [[UInt8]] = [
            [], Array("  \n".utf8), [0xEF, 0xBB, 0xBF], Array("<?xml version=\"1.0\" encoding=\"utf-8\"?>".utf8),
            Array("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>".utf8), Array("\n<?xml version=\"1.0\"?>".utf8),
            Array("<?xml version=\"1.0\" encoding=\"utf-16\"?>".utf8), Array("junk <".utf8), Array("{".utf8),
        ]
        await propertyCheck(count: 1500, input: Gen.int(in: 0...Int.max)) { seed in
            var rng = ByteWordsTests.Rng(state: UInt64(truncatingIfNeeded: seed) ^ 0x5eed)
            var doc = heads[Int(rng.next() % UInt64(heads.count))]
            doc += Array("<rss version=\"2.0\"><channel><title>".utf8) + Self.document(seed)
            doc += Array("</title><item><title>".utf8) + Self.document(seed &+ 1)
            doc += Array("</title><description>".utf8) + Self.document(seed &+ 2)
            doc += Array("</description></item></channel></rss>".utf8)
            for charset in [nil, "utf-8"] {
                let fused = doc.withUnsafeBufferPointer {
                    FeedParser.parse(bytes: $0, baseURL: nil, httpCharset: charset, prescan: true)
                }
                let separate = doc.withUnsafeBufferPointer {
                    FeedParser.parse(bytes: $0, baseURL: nil, httpCharset: charset, prescan: false)
                }
                switch (fused, separate) {
                case (.success(let a), .success(let b)): #expect(a == b, "\(doc)")
                case (.failure(let a), .failure(let b)): #expect(a.kind == b.kind && a.message == b.message, "\(doc)")
                default: Issue.record("one parsed, the other failed: \(fused) \(separate) \(doc)")
                }
            }
        }
    }
}
