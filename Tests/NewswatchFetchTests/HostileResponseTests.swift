import Foundation
import NewswatchFetch
import NewswatchTestSupport
import Testing

/// Issue 19 item 9: responses a hostile server can send that libcurl cannot hold, and local feeds over the body cap.
@Suite(.timeLimit(.minutes(2)))
struct HostileResponseTests {
    static let loopback = FetchConfiguration(connectTimeout: 3, timeout: 10, allowPrivateNetworks: true)

    /// One 2 MiB header line made libcurl report "out of memory", classified as internal (`parse` exited 1).
    @Test(arguments: [2 << 20, 150_000])
    func aHugeHeaderIsABadResponseNotAnInternalError(_ size: Int) async throws {
        let big = String(repeating: "a", count: size)
        let server = try LoopbackHTTPServer.start(routes: ["/feed.xml": .ok("<rss/>", headers: [("X-Big", big)])])
        defer { server.stop() }
        let result = await HTTPClient.fetchOnce(FeedRequest(url: server.url("/feed.xml")), configuration: Self.loopback)
        let error = try #require(result.error, "\(result)")
        #expect(error.kind == .badResponse, "\(error)")
        #expect(error.exitCode == 69)
        #expect(error.message.contains("header too large"), "\(error.message)")
    }

    /// Issue 19 item 1: scheduling headers from the far future are capped a week after the server's `Date`.
    @Test func absurdCacheHeadersAreCappedAtAWeek() async throws {
        let server = try LoopbackHTTPServer.start(routes: [
            "/feed.xml": .ok(
                "<rss/>",
                headers: [
                    ("Date", "Thu, 01 Dec 2033 15:00:00 GMT"), ("Expires", "Fri, 31 Dec 9999 23:59:59 GMT"),
                    ("Cache-Control", "max-age=99999999999999999999999"),
                ])
        ])
        defer { server.stop() }
        let result = await HTTPClient.fetchOnce(FeedRequest(url: server.url("/feed.xml")), configuration: Self.loopback)
        let response = try #require(result.response, "\(result)")
        #expect(response.expires == Date(timeIntervalSince1970: 2_017_062_000 + 7 * 86400))
        #expect(response.cacheMaxAge == 7 * 86400)
    }

    @Test func aLocalFileIsReadUpToTheCap() throws {
        let dir = try TemporaryDirectory(prefix: "newswatch-local")
        defer { dir.remove() }
        let exact = dir.file("exact.xml")
        try Data(repeating: 0x61, count: 4096).write(to: exact)
        #expect(try LocalFeedReader.read(path: exact.path, cap: 4096).count == 4096)
        do {
            _ = try LocalFeedReader.read(path: exact.path, cap: 4095)
            Issue.record("a file one byte over the cap was read")
        } catch let error as FetchError {
            #expect(error.kind == .tooLarge && error.exitCode == 65)
            #expect(error.message == "body larger than 4095 bytes")
        }
        // An endless file stops one byte past the cap instead of filling memory.
        #expect(throws: FetchError.self) { try LocalFeedReader.read(path: "/dev/zero", cap: 1 << 20) }
        #expect(throws: (any Error).self) { try LocalFeedReader.read(path: dir.file("missing.xml").path, cap: 10) }
    }

    /// A FIFO has no size to read into: the buffer grows as the bytes come (from 64 KiB, doubling) and the whole
    /// body arrives, at the cap too. (Past the cap a writer would meet a closed pipe; `/dev/zero` above covers that.)
    @Test func aPipeIsReadWholeUpToTheCap() throws {
        let dir = try TemporaryDirectory(prefix: "newswatch-fifo")
        defer { dir.remove() }
        let body = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        for cap in [1 << 20, 300_000] {
            let fifo = dir.file("feed-\(cap).fifo").path
            #expect(mkfifo(fifo, 0o600) == 0)
            let writer = Thread {
                guard let handle = FileHandle(forWritingAtPath: fifo) else { return }
                try? handle.write(contentsOf: body)
                try? handle.close()
            }
            writer.start()
            #expect(try LocalFeedReader.read(path: fifo, cap: cap) == body, "cap \(cap)")
        }
    }
}
