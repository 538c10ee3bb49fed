import Foundation
import NewswatchFetch
import NewswatchTestSupport
import Testing

/// The client against real loopback servers: every behaviour of issue 3's list, end to end through libcurl.
@Suite(.timeLimit(.minutes(2)))
struct HTTPClientTests {
    /// Loopback is private: these tests allow it, except where the rule itself is tested.
    static let loopback = FetchConfiguration(
        userAgent: "newswatch-test/1", connectTimeout: 3, timeout: 10, allowPrivateNetworks: true)

    static func client(_ configuration: FetchConfiguration = loopback) throws -> HTTPClient {
        try HTTPClient(configuration: configuration)
    }

    // MARK: Conditional GET

    @Test func etagThenNotModified() async throws {
        let server = try LoopbackHTTPServer.start { request in
            if request.header("If-None-Match") == "\"v1\"" { return .notModified() }
            return .ok("<rss>one</rss>", headers: [("ETag", "\"v1\""), ("Cache-Control", "public, max-age=300")])
        }
        defer { server.stop() }
        let client = try Self.client()
        defer { Task { await client.shutdown() } }

        let first = await client.fetch(url: server.url("/feed.xml"))
        guard case .ok(let response) = first else {
            Issue.record("expected 200, got \(first)")
            return
        }
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "<rss>one</rss>")
        #expect(response.etag == "\"v1\"")
        #expect(response.lastModified == nil)
        #expect(response.cacheMaxAge == 300)
        #expect(response.charset == "utf-8")
        #expect(response.contentType == "application/rss+xml; charset=utf-8")
        #expect(response.finalURL == server.url("/feed.xml"))

        let second = await client.fetch(url: server.url("/feed.xml"), etag: response.etag)
        guard case .notModified(let unchanged) = second else {
            Issue.record("expected 304, got \(second)")
            return
        }
        #expect(unchanged.status == 304)
        #expect(unchanged.body.isEmpty)
        #expect(unchanged.etag == "\"v1\"")  // kept from the request: the 304 carried none
        let requests = server.requests
        #expect(requests.count == 2)
        #expect(requests[0].header("If-None-Match") == nil)
        #expect(requests[1].header("If-None-Match") == "\"v1\"")
        #expect(requests[0].header("User-Agent") == "newswatch-test/1")
        let accepted = requests[0].header("Accept-Encoding") ?? ""
        for coding in ["gzip", "deflate", "br", "zstd"] { #expect(accepted.contains(coding)) }
        #expect(requests[0].connection == requests[1].connection)  // the connection was reused
    }

    @Test func lastModifiedOnly() async throws {
        let stamp = "Wed, 21 Oct 2015 07:28:00 GMT"
        let server = try LoopbackHTTPServer.start { request in
            if request.header("If-Modified-Since") == stamp { return .notModified() }
            return .ok("<feed/>", headers: [("Last-Modified", stamp)])
        }
        defer { server.stop() }
        let client = try Self.client()
        defer { Task { await client.shutdown() } }

        let first = await client.fetch(url: server.url("/atom"))
        #expect(first.response?.lastModified == stamp)
        #expect(first.response?.etag == nil)
        let second = await client.fetch(url: server.url("/atom"), lastModified: stamp)
        guard case .notModified(let response) = second else {
            Issue.record("expected 304, got \(second)")
            return
        }
        #expect(response.lastModified == stamp)
        #expect(server.requests.last?.header("If-None-Match") == nil)
    }

    // MARK: Bodies and encodings

    @Test(arguments: ["gzip", "br", "zstd"])
    func decodesContentEncoding(_ coding: String) async throws {
        let text = String(repeating: "<item><title>Gaza ceasefire talks</title></item>\n", count: 2000)
        let plain = Data(text.utf8)
        let encoded: Data =
            switch coding {
            case "gzip": try LoopbackHTTPServer.Encoding.gzip(plain)
            case "br": LoopbackHTTPServer.Encoding.brotli(plain)
            default: LoopbackHTTPServer.Encoding.zstd(plain)
            }
        let server = try LoopbackHTTPServer.start(routes: [
            "/feed": .ok(data: encoded, headers: [("Content-Encoding", coding), ("Content-Type", "text/xml")])
        ])
        defer { server.stop() }
        let client = try Self.client()
        defer { Task { await client.shutdown() } }

        let result = await client.fetch(url: server.url("/feed"))
        #expect(result.response?.body == plain)
        #expect(result.response?.charset == nil)
    }

    @Test func gzipBombStopsAtTheDecodedCap() async throws {
        let bomb = try LoopbackHTTPServer.Encoding.gzipBomb(decodedBytes: 64 << 20)
        #expect(bomb.count < 1 << 20)  // the wire size is far below the cap: only the decoded size can trip it
        let server = try LoopbackHTTPServer.start(routes: [
            "/bomb": .ok(data: bomb, headers: [("Content-Encoding", "gzip")])
        ])
        defer { server.stop() }
        var configuration = Self.loopback
        configuration.maxBodyBytes = 1 << 20
        let client = try Self.client(configuration)
        defer { Task { await client.shutdown() } }

        let result = await client.fetch(url: server.url("/bomb"))
        #expect(result.error?.kind == .tooLarge)
        #expect(result.error?.exitCode == 65)
    }

    @Test func endlessBodyStopsAtTheCap() async throws {
        let server = try LoopbackHTTPServer.start(routes: [
            "/endless": .init(status: 200, body: .endless(chunk: Data(repeating: 0x41, count: 8192)))
        ])
        defer { server.stop() }
        let client = try Self.client()
        defer { Task { await client.shutdown() } }

        let result = await client.fetch(FeedRequest(url: server.url("/endless"), maxBodyBytes: 256 << 10))
        #expect(result.error?.kind == .tooLarge)
        #expect(result.error?.message.contains("262144") == true)
    }

    @Test func emptyBody() async throws {
        let server = try LoopbackHTTPServer.start(routes: ["/empty": .ok("")])
        defer { server.stop() }
        let client = try Self.client()
        defer { Task { await client.shutdown() } }

        let result = await client.fetch(url: server.url("/empty"))
        guard case .ok(let response) = result else {
            Issue.record("expected 200, got \(result)")
            return
        }
        #expect(response.body.isEmpty)
    }

    // MARK: Hostile and failing servers

    @Test func tricklingServerIsAbortedByTheLowSpeedLimit() async throws {
        let server = try LoopbackHTTPServer.start(routes: [
            "/slow": .init(status: 200, body: .trickle(Data(repeating: 0x42, count: 600), interval: 1))
        ])
        defer { server.stop() }
        var configuration = Self.loopback
        configuration.lowSpeedLimit = 100
        configuration.lowSpeedTime = 1
        configuration.timeout = 60  // the low-speed rule, not the total timeout, must end it
        let client = try Self.client(configuration)
        defer { Task { await client.shutdown() } }

        let result = await client.fetch(url: server.url("/slow"))
        #expect(result.error?.kind == .timeout)
        #expect(result.error?.message.lowercased().contains("too slow") == true)
    }

    @Test func silentServerTimesOut() async throws {
        let server = try LoopbackHTTPServer.start { _ in .hang }
        defer { server.stop() }
        var configuration = Self.loopback
        configuration.timeout = 1.5
        configuration.lowSpeedLimit = 0
        let client = try Self.client(configuration)
        defer { Task { await client.shutdown() } }

        let result = await client.fetch(url: server.url("/never"))
        #expect(result.error?.kind == .timeout)
        #expect(server.requests.count == 1)
    }

    @Test func requestTimeoutOverridesTheConfiguration() async throws {
        let server = try LoopbackHTTPServer.start { _ in .hang }
        defer { server.stop() }
        var configuration = Self.loopback
        configuration.timeout = 600
        configuration.lowSpeedLimit = 0
        let client = try Self.client(configuration)
        defer { Task { await client.shutdown() } }

        let result = await client.fetch(FeedRequest(url: server.url("/never"), timeout: 1))
        #expect(result.error?.kind == .timeout)
    }

    @Test func httpsToAPlainServerIsATLSError() async throws {
        let server = try LoopbackHTTPServer.start { _ in .ok("not TLS") }
        defer { server.stop() }
        let client = try Self.client()
        defer { Task { await client.shutdown() } }

        let result = await client.fetch(url: "https://127.0.0.1:\(server.port)/feed")
        #expect(result.error?.kind == .tls)
        #expect(result.error?.exitCode == 69)
    }

    @Test func connectionRefused() async throws {
        let port = try LoopbackHTTPServer.unusedPort()
        let client = try Self.client()
        defer { Task { await client.shutdown() } }

        let result = await client.fetch(url: "http://127.0.0.1:\(port)/feed")
        #expect(result.error?.kind == .connect)
        #expect(result.error?.curlCode == 7)
    }

    @Test func droppedConnectionIsANetworkError() async throws {
        let server = try LoopbackHTTPServer.start { _ in .drop }
        defer { server.stop() }
        let client = try Self.client()
        defer { Task { await client.shutdown() } }

        let result = await client.fetch(url: server.url("/drop"))
        #expect(result.error?.kind == .network)
    }

    @Test func unresolvableHostIsADNSError() async throws {
        let client = try Self.client()
        defer { Task { await client.shutdown() } }
        // `.invalid` is reserved never to resolve (RFC 2606).
        let result = await client.fetch(url: "http://newswatch-test.invalid/feed")
        #expect(result.error?.kind == .dns)
    }

    @Test func serverErrorCarriesStatusAndBody() async throws {
        let server = try LoopbackHTTPServer.start(routes: [
            "/boom": .init(status: 500, body: .bytes(Data("database on fire".utf8)))
        ])
        defer { server.stop() }
        let client = try Self.client()
        defer { Task { await client.shutdown() } }

        let result = await client.fetch(url: server.url("/boom"))
        #expect(result.error?.kind == .httpStatus)
        #expect(result.error?.httpStatus == 500)
        #expect(result.error?.retryAfter == nil)
        #expect(result.response.map { String(decoding: $0.body, as: UTF8.self) } == "database on fire")
    }

    @Test func tooManyRequestsCarriesRetryAfterInSeconds() async throws {
        let server = try LoopbackHTTPServer.start(routes: [
            "/limited": .status(429, headers: [("Retry-After", "120")])
        ])
        defer { server.stop() }
        let client = try Self.client()
        defer { Task { await client.shutdown() } }

        let result = await client.fetch(url: server.url("/limited"))
        #expect(result.error?.kind == .httpStatus)
        #expect(result.error?.httpStatus == 429)
        #expect(result.error?.retryAfter == .seconds(120))
    }

    @Test func unavailableCarriesRetryAfterAsDate() async throws {
        let server = try LoopbackHTTPServer.start(routes: [
            "/busy": .status(503, headers: [("Retry-After", "Fri, 31 Dec 2027 23:59:59 GMT")])
        ])
        defer { server.stop() }
        let client = try Self.client()
        defer { Task { await client.shutdown() } }

        let result = await client.fetch(url: server.url("/busy"))
        #expect(result.error?.httpStatus == 503)
        #expect(result.error?.retryAfter == .date(Date(timeIntervalSince1970: 1_830_297_599)))
    }

    // MARK: Redirects and protocols

    @Test func followsPermanentAndTemporaryRedirects() async throws {
        let server = try LoopbackHTTPServer.start(routes: [
            "/a": .redirect(to: "/b", status: 301),
            "/b": .redirect(to: "/c", status: 302),
            "/c": .redirect(to: "/d", status: 307),
            "/d": .redirect(to: "/final.xml", status: 308),
            "/final.xml": .ok("<rss/>", headers: [("ETag", "\"final\"")]),
        ])
        defer { server.stop() }
        let client = try Self.client()
        defer { Task { await client.shutdown() } }

        let result = await client.fetch(url: server.url("/a"))
        guard case .ok(let response) = result else {
            Issue.record("expected 200, got \(result)")
            return
        }
        #expect(response.finalURL == server.url("/final.xml"))
        #expect(response.redirectCount == 4)
        #expect(response.etag == "\"final\"")
        #expect(server.requests.map(\.path) == ["/a", "/b", "/c", "/d", "/final.xml"])
    }

    @Test func stopsAfterFiveRedirects() async throws {
        let server = try LoopbackHTTPServer.start { request in
            let n = Int(request.path.dropFirst()) ?? 0
            return .redirect(to: "/\(n + 1)", status: 302)
        }
        defer { server.stop() }
        let client = try Self.client()
        defer { Task { await client.shutdown() } }

        let result = await client.fetch(url: server.url("/0"))
        #expect(result.error?.kind == .tooManyRedirects)
        #expect(server.requests.count == 6)  // the first request and five redirects
    }

    @Test(arguments: [
        "file:///etc/passwd", "gopher://127.0.0.1:70/1", "ftp://127.0.0.1/feed.xml", "dict://127.0.0.1/x",
    ])
    func refusesRedirectsToOtherProtocols(_ target: String) async throws {
        let server = try LoopbackHTTPServer.start(routes: ["/feed": .redirect(to: target, status: 302)])
        defer { server.stop() }
        let client = try Self.client()
        defer { Task { await client.shutdown() } }

        let result = await client.fetch(url: server.url("/feed"))
        #expect(result.error?.kind == .forbiddenProtocol)
    }

    @Test(arguments: ["file:///etc/passwd", "gopher://127.0.0.1:70/1", "FTP://127.0.0.1/x", "feed.xml"])
    func refusesOtherProtocolsOutright(_ url: String) async throws {
        let client = try Self.client()
        defer { Task { await client.shutdown() } }
        let result = await client.fetch(url: url)
        let expected: FetchError.Kind = url.contains("://") ? .forbiddenProtocol : .invalidRequest
        #expect(result.error?.kind == expected)
    }

    // MARK: Private networks

    @Test(arguments: ["127.0.0.1", "localhost"])
    func refusesLoopbackWhenPrivateNetworksAreOff(_ host: String) async throws {
        let server = try LoopbackHTTPServer.start(routes: ["/feed": .ok("<rss/>")])
        defer { server.stop() }
        var configuration = Self.loopback
        configuration.allowPrivateNetworks = false
        let client = try Self.client(configuration)
        defer { Task { await client.shutdown() } }

        let result = await client.fetch(url: "http://\(host):\(server.port)/feed")
        #expect(result.error?.kind == .forbiddenAddress)
        #expect(server.acceptedConnections == 0)  // refused before connecting, not after
    }

    @Test func refusesAPrivateAddressReachedByRedirect() async throws {
        // 127.0.0.2 plays an internal host; 127.0.0.1 is made an allowed exception so the first hop succeeds.
        let inside = try LoopbackHTTPServer.start(address: "127.0.0.2", routes: ["/secret": .ok("secret")])
        defer { inside.stop() }
        let outside = try LoopbackHTTPServer.start(routes: [
            "/feed": .redirect(to: inside.url("/secret"), status: 302),
            "/plain": .ok("<rss/>"),
        ])
        defer { outside.stop() }
        var configuration = Self.loopback
        configuration.allowPrivateNetworks = false
        configuration.permittedAddresses = ["127.0.0.1/32"]
        let client = try Self.client(configuration)
        defer { Task { await client.shutdown() } }

        #expect(await client.fetch(url: outside.url("/plain")).response?.status == 200)
        let result = await client.fetch(url: outside.url("/feed"))
        #expect(result.error?.kind == .forbiddenAddress)
        #expect(result.error?.message.contains("127.0.0.2") == true)
        #expect(inside.acceptedConnections == 0)
        #expect(outside.requests.map(\.path) == ["/plain", "/feed"])
    }

    @Test func rejectsAMalformedPermittedAddress() {
        var configuration = Self.loopback
        configuration.permittedAddresses = ["10.0.0.0/33"]
        #expect(throws: FetchError.self) { _ = try HTTPClient(configuration: configuration) }
    }
}
