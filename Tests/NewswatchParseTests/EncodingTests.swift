import Foundation
import Testing

@testable import NewswatchParse

@Suite struct EncodingTests {
    static let text = "Zürich – “quotes” café ½"
    static func doc(_ declared: String?) -> String {
        let decl = declared.map { "<?xml version=\"1.0\" encoding=\"\($0)\"?>" } ?? "<?xml version=\"1.0\"?>"
        return decl + "<rss version=\"2.0\"><channel><title>\(text)</title></channel></rss>"
    }

    @Test func utf8WithAndWithoutBOM() throws {
        #expect(try parse(Self.doc("UTF-8")).title == Self.text)
        let bom = Data([0xEF, 0xBB, 0xBF]) + Data(Self.doc("UTF-8").utf8)
        #expect(try FeedParser.parse(bom).title == Self.text)
        #expect(try parse(Self.doc(nil)).title == Self.text)
    }

    @Test(arguments: [true, false], [true, false])
    func utf16(littleEndian: Bool, bom: Bool) throws {
        var data = Data()
        if bom { data += littleEndian ? Data([0xFF, 0xFE]) : Data([0xFE, 0xFF]) }
        for unit in Self.doc("UTF-16").utf16 {
            data += littleEndian ? Data([UInt8(unit & 0xFF), UInt8(unit >> 8)]) : Data([UInt8(unit >> 8), UInt8(unit & 0xFF)])
        }
        let feed = try FeedParser.parse(data)
        #expect(feed.title == Self.text)
    }

    @Test func declaredLatin1IsReadAsWindows1252() throws {
        // "Zürich – “quotes” café ½" in windows-1252; the dash and quotes are C1 bytes ISO-8859-1 does not have.
        let bytes = try #require(Self.doc("ISO-8859-1").data(using: .windowsCP1252))
        let feed = try FeedParser.parse(bytes)
        #expect(feed.title == Self.text)
        #expect(feed.warnings.isEmpty)
    }

    @Test func declaredKOI8R() throws {
        let russian = "Новости дня"
        let doc = "<?xml version=\"1.0\" encoding=\"KOI8-R\"?><rss version=\"2.0\"><channel><title>\(russian)</title></channel></rss>"
        // KOI8-R bytes of the title, written by hand (Foundation on Linux has no KOI8-R encoder).
        let koi: [UInt8] = [0xEE, 0xCF, 0xD7, 0xCF, 0xD3, 0xD4, 0xC9, 0x20, 0xC4, 0xCE, 0xD1]
        var data = Data(doc.prefix { $0 != "Н" }.utf8)
        data += Data(koi)
        data += Data("</title></channel></rss>".utf8)
        let feed = try FeedParser.parse(data)
        #expect(feed.title == russian)
    }

    @Test func httpCharsetOverridesTheDeclaration() throws {
        let bytes = try #require(Self.doc("UTF-8").replacingOccurrences(of: "UTF-8", with: "UTF-8").data(using: .windowsCP1252))
        // Content is windows-1252 though it declares UTF-8; the HTTP header knows better.
        let feed = try FeedParser.parse(bytes, httpCharset: "windows-1252")
        #expect(feed.title == Self.text)
    }

    @Test func utf8ContentWinsOverAWrongHTTPCharset() throws {
        let feed = try parse(Self.doc("UTF-8"), httpCharset: "ISO-8859-1")
        #expect(feed.title == Self.text)
        #expect(feed.warnings.count == 1)
    }

    @Test func invalidUTF8IsRepairedNotFatal() throws {
        var data = Data("<rss version=\"2.0\"><channel><title>caf".utf8)
        data += Data([0xE9])  // a windows-1252 é inside UTF-8
        data += Data(" ok \u{201C}fine\u{201D} ".utf8)
        data += Data([0xFF, 0xC3])  // junk bytes
        data += Data("</title></channel></rss>".utf8)
        let feed = try FeedParser.parse(data)
        #expect(feed.title == "café ok “fine” ÿÃ")
        #expect(feed.warnings.contains { $0.contains("invalid UTF-8") })
    }

    @Test func unknownEncodingFallsBackToUTF8() throws {
        let feed = try parse(Self.doc("x-no-such-encoding"))
        #expect(feed.title == Self.text)
        #expect(feed.warnings.contains { $0.contains("unknown encoding") })
    }

    @Test func utf8Validation() {
        func first(_ bytes: [UInt8]) -> Int? { bytes.withUnsafeBufferPointer { UTF8Bytes.firstInvalid($0) } }
        #expect(first(Array("plain ascii text, long enough for words".utf8)) == nil)
        #expect(first(Array("é€𝄞".utf8)) == nil)
        #expect(first([0x61, 0xC0, 0x80]) == 1, "overlong")
        #expect(first([0xED, 0xA0, 0x80]) == 0, "surrogate")
        #expect(first([0xF4, 0x90, 0x80, 0x80]) == 0, "past U+10FFFF")
        #expect(first([0x61, 0x62, 0xE2, 0x82]) == 2, "truncated")
    }
}
