import Foundation
import NewswatchFetch
import NewswatchTestSupport
import Testing

@testable import NewswatchAlerts

/// The libcurl transport's webhook side against loopback servers (its mail side: the dispatcher's email tests).
@Suite(.timeLimit(.minutes(1)))
struct CurlAlertTransportTests {
    @Test func aRedirectIsReturnedAsTheAnswerAndNotFollowed() async throws {
        let server = try LoopbackHTTPServer.start(routes: [
            "/hook": .redirect(to: "/moved", status: 308), "/moved": .ok("ok"),
        ])
        defer { server.stop() }
        let transport = try CurlAlertTransport(userAgent: "newswatch-test", connectTimeout: 3)
        defer { Task { await transport.shutdown() } }
        let response = try await transport.post(
            WebhookRequest(
                url: server.url("/hook"), headers: [("Content-Type", "application/json")], body: Data("{}".utf8),
                timeout: .seconds(5)))
        #expect(response.status == 308)
        #expect(server.requests.map(\.path) == ["/hook"])
        #expect(server.requests.first?.header("User-Agent") == "newswatch-test")

        // Through the sink, a redirect is a rejection to be retried, not a delivery.
        let sink = WebhookAlertSink(url: server.url("/hook"), transport: transport)
        await #expect(throws: AlertSinkError.self) { try await sink.deliver(.alert(.sample())) }
    }

    @Test func anErrorStatusComesBackWithTheStartOfItsBody() async throws {
        let server = try LoopbackHTTPServer.start(routes: [
            "/hook": LoopbackHTTPServer.Response(
                status: 400, body: .bytes(Data(("invalid_payload" + String(repeating: "x", count: 2000)).utf8)))
        ])
        defer { server.stop() }
        let transport = try CurlAlertTransport(connectTimeout: 3)
        defer { Task { await transport.shutdown() } }
        let response = try await transport.post(
            WebhookRequest(url: server.url("/hook"), headers: [], body: Data("{}".utf8), timeout: .seconds(5)))
        #expect(response.status == 400)
        #expect(response.bodyPrefix.count == CurlAlertTransport.bodyPrefixBytes)
        #expect(String(decoding: response.bodyPrefix, as: UTF8.self).hasPrefix("invalid_payload"))
    }

    @Test func noServerIsAThrownTransportError() async throws {
        let port = try LoopbackHTTPServer.unusedPort()
        let transport = try CurlAlertTransport(connectTimeout: 3)
        defer { Task { await transport.shutdown() } }
        await #expect {
            _ = try await transport.post(
                WebhookRequest(url: "http://127.0.0.1:\(port)/hook", headers: [], body: Data(), timeout: .seconds(5)))
        } throws: { ($0 as? FetchError)?.kind == .connect }
    }
}
