import Foundation
import NewswatchFetch
import NewswatchTestSupport
import Testing

/// `FeedRequest.followRedirects`: a webhook POST must not go anywhere but the configured URL.
@Suite(.timeLimit(.minutes(1)))
struct FeedRequestRedirectTests {
    static let loopback = FetchConfiguration(connectTimeout: 3, timeout: 10, allowPrivateNetworks: true)

    @Test func aPostWithoutFollowingRedirectsReturnsThe3xxAndNeverReachesTheTarget() async throws {
        let server = try LoopbackHTTPServer.start(routes: [
            "/hook": .redirect(to: "/elsewhere", status: 307), "/elsewhere": .ok("{}"),
        ])
        defer { server.stop() }
        let client = try HTTPClient(configuration: Self.loopback)
        defer { Task { await client.shutdown() } }

        let request = FeedRequest.post(
            url: server.url("/hook"), body: Data("{\"a\":1}".utf8), followRedirects: false)
        let result = await client.fetch(request)
        guard case .failed(let error) = result else {
            Issue.record("expected the 307 as a failure, got \(result)")
            return
        }
        #expect(error.kind == .httpStatus)
        #expect(error.httpStatus == 307)
        #expect(error.response?.redirectCount == 0)
        #expect(server.requests.map(\.path) == ["/hook"])
        #expect(server.requests.first?.method == "POST")
    }

    @Test func redirectsAreFollowedByDefault() async throws {
        let server = try LoopbackHTTPServer.start(routes: [
            "/hook": .redirect(to: "/elsewhere", status: 307), "/elsewhere": .ok("{}"),
        ])
        defer { server.stop() }
        let client = try HTTPClient(configuration: Self.loopback)
        defer { Task { await client.shutdown() } }

        let request = FeedRequest.post(url: server.url("/hook"), body: Data("{}".utf8))
        #expect(request.followRedirects)
        let result = await client.fetch(request)
        guard case .ok(let response) = result else {
            Issue.record("expected 200 after the redirect, got \(result)")
            return
        }
        #expect(response.redirectCount == 1)
        #expect(server.requests.map(\.path) == ["/hook", "/elsewhere"])
    }
}
