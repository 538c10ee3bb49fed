import Foundation
import NewswatchTestSupport
import Testing

@testable import NewswatchParse

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct HostileTests {
    @Test func externalEntityNamingALocalFileNeverReachesOutput() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let secret = try dir.write("secret.txt", "TOP-SECRET-PAYLOAD")
        let doc = """
            <?xml version="1.0"?>
            <!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://\(secret.path)"><!ENTITY % pe SYSTEM "file://\(secret.path)"> %pe;]>
            <rss version="2.0"><channel><title>T &xxe;</title><item><title>&xxe;</title><description>&xxe;</description></item></channel></rss>
            """
        let feed = try parse(doc)
        let json = feed.contractJSON.compact
        #expect(!json.contains("TOP-SECRET"))
        #expect(feed.title == "T")
        #expect(!feed.warnings.isEmpty)
        // The same through an external DTD subset.
        let dtd = try parse("<!DOCTYPE rss SYSTEM \"file://\(secret.path)\">" + rss(item: "<title>x</title>"))
        #expect(!dtd.contractJSON.compact.contains("TOP-SECRET"))
    }

    @Test func billionLaughsIsNotExpanded() throws {
        var decl = "<!ENTITY lol0 \"lol\">"
        for i in 1...9 { decl += "<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i - 1);", count: 10) + "\">" }
        let doc = "<?xml version=\"1.0\"?><!DOCTYPE rss [\(decl)]>" + rss(item: "<title>&lol9;</title><description>&lol9;&lol9;</description>")
        let feed = try parse(doc)
        // Fully expanded this would be 3 GB of "lol"; not one of them may appear.
        #expect(feed.items.count == 1)
        let title = feed.items.first?.title ?? ""
        let summary = feed.items.first?.summary ?? ""
        #expect(!title.contains("lol"))
        #expect(!summary.contains("lol"))
    }

    @Test func quadraticBlowupIsNotExpanded() throws {
        let big = String(repeating: "A", count: 100_000)
        let refs = String(repeating: "&a;", count: 10_000)
        let doc = "<!DOCTYPE rss [<!ENTITY a \"\(big)\">]>" + rss(item: "<title>\(refs)</title>")
        let feed = try parse(doc)
        #expect((feed.items.first?.title ?? "").count < 1000)
    }

    @Test func theParserNeverTouchesTheNetwork() throws {
        let listener = try LoopbackListener()
        defer { listener.close() }
        let url = "http://127.0.0.1:\(listener.port)"
        let doc = """
            <?xml version="1.0"?>
            <!DOCTYPE rss SYSTEM "\(url)/rss.dtd" [<!ENTITY ext SYSTEM "\(url)/entity"><!ENTITY % p SYSTEM "\(url)/pe"> %p;]>
            <rss version="2.0" xmlns:xi="http://www.w3.org/2001/XInclude"><channel><title>&ext;</title>
            <item><title>x</title><xi:include href="\(url)/xinclude"/><description><![CDATA[<img src="\(url)/img"><iframe src="\(url)/frame"></iframe>]]></description></item>
            </channel></rss>
            """
        _ = try parse(doc, baseURL: url + "/feed")
        _ = HTMLText.plainText("<!DOCTYPE html SYSTEM \"\(url)/html.dtd\"><img src=\"\(url)/a\"><p>x</p>")
        #expect(listener.acceptedConnections() == 0)
    }

    @Test func fiftyMegabyteTitleIsCutNotFatal() throws {
        var data = Data("<rss version=\"2.0\"><channel><title>T</title><item><title>".utf8)
        data += Data(repeating: 0x61, count: 50 << 20)
        data += Data("</title><guid>after</guid></item></channel></rss>".utf8)
        let feed = try FeedParser.parse(data)
        let title = try #require(feed.items.first?.title)
        #expect(title.utf8.count == XMLFeedParser.fieldLimit)
        #expect(feed.items.first?.id == "after")
        #expect(feed.warnings.contains { $0.contains("cut short") })
    }

    @Test func hundredThousandDeepNestingDoesNotCrash() throws {
        let depth = 100_000
        var data = Data("<rss version=\"2.0\"><channel><title>T</title><item><title>ok</title><description>".utf8)
        data += Data(String(repeating: "<div>", count: depth).utf8)
        data += Data(String(repeating: "</div>", count: depth).utf8)
        data += Data("</description></item></channel></rss>".utf8)
        let feed = try FeedParser.parse(data)
        #expect(feed.items.first?.title == "ok")
        #expect(!feed.warnings.isEmpty)
        // Deep nesting inside escaped HTML goes through the HTML parser instead.
        let escaped = String(repeating: "&lt;b&gt;", count: depth) + "deep"
        let html = try parse(rss(item: "<title>t</title><description>\(escaped)</description>"))
        #expect(html.items.first?.summary == "deep")
    }

    @Test func notAFeedAtAll() throws {
        #expect(parseErrorKind(Data()) == .empty)
        #expect(parseErrorKind(Data("  \n\t ".utf8)) == .empty)
        var garbage = Data()
        var seed: UInt64 = 42
        for _ in 0..<4096 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            garbage.append(UInt8(truncatingIfNeeded: seed >> 33))
        }
        #expect(parseErrorKind(garbage) != nil)
        #expect(parseErrorKind(Data([0x00, 0x01, 0x02, 0x03])) == .malformed)
        let page = "<!DOCTYPE html>\n<html><head><title>Home</title><meta charset=utf-8></head><body><p>Hi</body></html>"
        #expect(parseErrorKind(Data(page.utf8)) == .notAFeed)
        #expect(parseErrorKind(Data("<?xml version=\"1.0\"?><opml version=\"2.0\"><body/></opml>".utf8)) == .notAFeed)
        #expect(parseErrorKind(Data("{\"name\": \"not a feed\"}".utf8)) == .notAFeed)
        #expect(parseErrorKind(Data("[1, 2, 3]".utf8)) == .notAFeed)
        #expect(parseErrorKind(Data("{ broken json".utf8)) == .malformed)
        #expect(parseErrorKind(Data("just some words".utf8)) == .notAFeed)
    }
}

/// A TCP listener on 127.0.0.1, port 0, that only counts who connected (never answers).
final class LoopbackListener {
    private let fd: Int32
    let port: UInt16

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        self.fd = fd
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        port = UInt16(bigEndian: addr.sin_port)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    /// Connections waiting or made so far (non-blocking).
    func acceptedConnections() -> Int {
        var count = 0
        while true {
            let c = accept(fd, nil, nil)
            if c < 0 { break }
            Glibc.close(c)
            count += 1
        }
        return count
    }

    func close() { Glibc.close(fd) }
}
