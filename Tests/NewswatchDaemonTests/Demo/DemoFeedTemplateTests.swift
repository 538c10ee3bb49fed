import Foundation
import NewswatchCore
import Testing

@testable import NewswatchDaemon

@Suite struct DemoFeedTemplateTests {
    let now = Timestamp.date(year: 2026, month: 11, day: 25, hour: 12, minute: 0, second: 0)

    @Test func replacesEachFormat() {
        let t = Data("<a>@@RFC822 -1h40m@@</a><b>@@RFC3339 -8m@@</b><c>@@W3C -2d@@</c>".utf8)
        let out = String(decoding: DemoFeedTemplate.render(t, now: now), as: UTF8.self)
        #expect(out == "<a>Wed, 25 Nov 2026 10:20:00 +0000</a><b>2026-11-25T11:52:00Z</b><c>2026-11-23T12:00:00Z</c>")
    }

    @Test func leavesOtherTextAlone() {
        let t = Data("a@@b @@RFC822 soon@@ @@ @@X -1m@@ mail@@example".utf8)
        #expect(DemoFeedTemplate.render(t, now: now) == t)
    }

    @Test func keepsNonUTF8Bytes() {
        var t = Data([0x80, 0xE9, 0x20])  // "€é " in windows-1252
        t.append(Data("@@W3C -1m@@".utf8))
        let out = DemoFeedTemplate.render(t, now: now)
        #expect(out.prefix(3) == Data([0x80, 0xE9, 0x20]))
        #expect(String(decoding: out.dropFirst(3), as: UTF8.self) == "2026-11-25T11:59:00Z")
    }
}

@Suite struct DemoFeedServerTests {
    @Test func servesDocumentsAndConditionalGET() throws {
        let server = try DemoFeedServer(documents: [
            "/a.xml": .init(body: Data("<rss/>".utf8), contentType: "application/rss+xml")
        ])
        defer { server.stop() }
        let first = try rawGET(port: server.port, path: "/a.xml")
        #expect(first.hasPrefix("HTTP/1.1 200 OK"))
        #expect(first.hasSuffix("\r\n\r\n<rss/>"))
        let etag = try #require(first.split(separator: "\r\n").first { $0.hasPrefix("ETag: ") }?.dropFirst(6))
        let second = try rawGET(port: server.port, path: "/a.xml", extra: "If-None-Match: \(etag)\r\n")
        #expect(second.hasPrefix("HTTP/1.1 304"))
        #expect(try rawGET(port: server.port, path: "/missing").hasPrefix("HTTP/1.1 404"))
    }

    /// A plain-socket client, independent of the server's own code.
    private func rawGET(port: UInt16, path: String, extra: String = "") throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(rc == 0)
        let req = Array("GET \(path) HTTP/1.1\r\nHost: x\r\n\(extra)\r\n".utf8)
        _ = req.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var out = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buf, buf.count)
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
