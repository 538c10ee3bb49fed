import Foundation
import NewswatchFetch
import NewswatchTestSupport
import Testing

// The client's politeness limits, cancellation and shutdown, and the requests sinks make (same suite, own file).
extension HTTPClientTests {
    // MARK: Politeness and concurrency

    @Test func perHostLimitHoldsWhileOtherHostsProceed() async throws {
        let busy = try LoopbackHTTPServer.start { _ in .init(status: 200, body: .bytes(Data("x".utf8)), delay: 0.4) }
        defer { busy.stop() }
        let other = try LoopbackHTTPServer.start(address: "127.0.0.3", routes: ["/feed": .ok("<rss/>")])
        defer { other.stop() }
        let client = try Self.client()  // maxPerHost: 2 (the default)
        defer { Task { await client.shutdown() } }

        async let otherResult = {
            // Submitted after the busy host's six, so it waits behind them unless hosts are independent.
            try? await Task.sleep(nanoseconds: 50_000_000)
            return await client.fetch(url: other.url("/feed"))
        }()
        let statuses = await withTaskGroup(of: Int?.self) { group in
            for i in 0..<6 { group.addTask { await client.fetch(url: busy.url("/\(i)")).response?.status } }
            return await group.reduce(into: [Int?]()) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: 6))
        #expect(await otherResult.response?.status == 200)
        #expect(busy.maxConcurrentConnections == 2)
        let busyArrivals = busy.requests.map(\.receivedAt).sorted()
        let otherArrival = try #require(other.requests.first?.receivedAt)
        #expect(otherArrival < busyArrivals[4])  // the other host did not wait for the busy one's queue
    }

    @Test func globalLimitHolds() async throws {
        let server = try LoopbackHTTPServer.start { _ in .init(status: 200, body: .bytes(Data("x".utf8)), delay: 0.2) }
        defer { server.stop() }
        var configuration = Self.loopback
        configuration.maxConcurrent = 3
        configuration.maxPerHost = 10
        let client = try Self.client(configuration)
        defer { Task { await client.shutdown() } }

        let okCount = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<9 { group.addTask { await client.fetch(url: server.url("/\(i)")).response?.status == 200 } }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(okCount == 9)
        #expect(server.maxConcurrentConnections == 3)
    }

    @Test func manyRequestsInFlight() async throws {
        let server = try LoopbackHTTPServer.start { request in .ok("<rss>\(request.path)</rss>") }
        defer { server.stop() }
        var configuration = Self.loopback
        configuration.maxConcurrent = 20
        configuration.maxPerHost = 20
        let client = try Self.client(configuration)
        defer { Task { await client.shutdown() } }

        let bodies = await withTaskGroup(of: (Int, String).self) { group in
            for i in 0..<200 {
                group.addTask {
                    let body = await client.fetch(url: server.url("/\(i)")).response?.body ?? Data()
                    return (i, String(decoding: body, as: UTF8.self))
                }
            }
            return await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
        }
        #expect(bodies.count == 200)
        #expect(bodies.allSatisfy { $0.value == "<rss>/\($0.key)</rss>" })
        #expect(server.acceptedConnections <= 20)
    }

    // MARK: Cancellation and shutdown

    @Test func cancellationEndsTheTransfer() async throws {
        let server = try LoopbackHTTPServer.start { request in
            request.path == "/hang" ? .hang : .ok("<rss/>")
        }
        defer { server.stop() }
        let client = try Self.client()
        defer { Task { await client.shutdown() } }

        let task = Task { await client.fetch(url: server.url("/hang")) }
        #expect(await server.waitForRequests(1))
        task.cancel()
        let result = await task.value
        #expect(result.error?.kind == .cancelled)
        // The connection is closed, not left hanging, and the client still works.
        for _ in 0..<200 where server.openConnections > 0 { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(server.openConnections == 0)
        #expect(await client.fetch(url: server.url("/ok")).response?.status == 200)
    }

    @Test func cancellingAQueuedRequestFreesItsPlace() async throws {
        let server = try LoopbackHTTPServer.start { request in request.path == "/ok" ? .ok("<rss/>") : .hang }
        defer { server.stop() }
        var configuration = Self.loopback
        configuration.maxPerHost = 1
        let client = try Self.client(configuration)

        let running = Task { await client.fetch(url: server.url("/hang")) }
        #expect(await server.waitForRequests(1))
        let queued = Task { await client.fetch(url: server.url("/queued")) }
        try await Task.sleep(nanoseconds: 100_000_000)
        queued.cancel()
        #expect(await queued.value.error?.kind == .cancelled)
        running.cancel()
        #expect(await running.value.error?.kind == .cancelled)
        #expect(await client.fetch(url: server.url("/ok")).response?.status == 200)
        #expect(server.requests.map(\.path) == ["/hang", "/ok"])  // the queued one never went out
        await client.shutdown()
    }

    @Test func fetchOnceShutsItsClientDown() async throws {
        let server = try LoopbackHTTPServer.start(routes: ["/feed": .ok("<rss/>")])
        defer { server.stop() }
        let ok = await HTTPClient.fetchOnce(FeedRequest(url: server.url("/feed")), configuration: Self.loopback)
        #expect(ok.response?.status == 200)
        var strict = Self.loopback
        strict.allowPrivateNetworks = false
        let refused = await HTTPClient.fetchOnce(FeedRequest(url: server.url("/feed")), configuration: strict)
        #expect(refused.error?.kind == .forbiddenAddress)
        #expect(refused.error?.exitCode == 69)
    }

    @Test func cancelledBeforeStartNeverReachesTheServer() async throws {
        let server = try LoopbackHTTPServer.start(routes: ["/feed": .ok("<rss/>")])
        defer { server.stop() }
        let client = try Self.client()
        defer { Task { await client.shutdown() } }

        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await client.fetch(url: server.url("/feed"))
        }
        #expect(await task.value.error?.kind == .cancelled)
        #expect(await client.fetch(url: server.url("/feed")).response?.status == 200)
        #expect(server.requests.count == 1)
    }

    @Test func shutdownFailsRequestsInFlight() async throws {
        let server = try LoopbackHTTPServer.start { _ in .hang }
        defer { server.stop() }
        let client = try Self.client()

        let tasks = (0..<3).map { i in Task { await client.fetch(url: server.url("/\(i)")) } }
        #expect(await server.waitForRequests(2))  // two run (per-host limit), one waits
        await client.shutdown()
        for task in tasks { #expect(await task.value.error?.kind == .shutdown) }
        #expect(await client.fetch(url: server.url("/late")).error?.kind == .shutdown)
        await client.shutdown()  // idempotent
    }

    // MARK: Requests for sinks

    @Test func postsBodyAndHeaders() async throws {
        let server = try LoopbackHTTPServer.start(routes: ["/hook": .status(204)])
        defer { server.stop() }
        let client = try Self.client()
        defer { Task { await client.shutdown() } }

        let payload = Data(#"{"topic":"gaza"}"#.utf8)
        let result = await client.fetch(
            .post(url: server.url("/hook"), body: payload, headers: [("X-Newswatch-Signature", "sha256=abc")]))
        #expect(result.response?.status == 204)
        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.body == payload)
        #expect(request.header("Content-Type") == "application/json")
        #expect(request.header("X-Newswatch-Signature") == "sha256=abc")
        #expect(request.header("Expect") == nil)
    }

    @Test func refusesHeaderInjection() async throws {
        let client = try Self.client()
        defer { Task { await client.shutdown() } }
        let request = FeedRequest(url: "http://127.0.0.1:9/x", headers: [("X-Evil", "a\r\nHost: elsewhere")])
        #expect(await client.fetch(request).error?.kind == .invalidRequest)
    }

    @Test func credentialsAreSentButNeverShown() async throws {
        let server = try LoopbackHTTPServer.start(routes: ["/private": .status(401)])
        defer { server.stop() }
        let client = try Self.client()
        defer { Task { await client.shutdown() } }

        let url = "http://editor:hunter2@127.0.0.1:\(server.port)/private"
        let result = await client.fetch(url: url)
        let error = try #require(result.error)
        #expect(error.httpStatus == 401)
        #expect(!error.description.contains("hunter2"))
        #expect(error.url == "http://***@127.0.0.1:\(server.port)/private")
        #expect(error.response?.finalURL.contains("hunter2") == false)
        // "editor:hunter2" in Basic form
        #expect(server.requests.first?.header("Authorization") == "Basic ZWRpdG9yOmh1bnRlcjI=")
    }

    @Test func readsCacheHeaders() async throws {
        let server = try LoopbackHTTPServer.start(routes: [
            "/feed": .ok(
                "<rss/>", contentType: "text/xml; Charset=\"ISO-8859-1\"",
                headers: [
                    ("Expires", "Thu, 01 Dec 2033 16:00:00 GMT"), ("Date", "Thu, 01 Dec 2033 15:00:00 GMT"),
                    ("Retry-After", "30"),
                ])
        ])
        defer { server.stop() }
        let client = try Self.client()
        defer { Task { await client.shutdown() } }

        let response = try #require(await client.fetch(url: server.url("/feed")).response)
        #expect(response.charset == "ISO-8859-1")
        #expect(response.expires == Date(timeIntervalSince1970: 2_017_065_600))
        #expect(response.date == Date(timeIntervalSince1970: 2_017_062_000))
        #expect(response.retryAfter == .seconds(30))
        #expect(response.timing.total > 0)
        #expect(response.timing.total >= response.timing.firstByte)
    }
}
