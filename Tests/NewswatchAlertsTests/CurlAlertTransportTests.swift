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

    /// Review 12: a receiver that took the message and answered 200 with more than the 1 MiB kept was taken for
    /// unreachable, and the message was sent again at every retry for a day. An error status past the cap is still
    /// a rejection.
    @Test func aLongReplyAfterA2xxIsStillAnAcceptance() async throws {
        let long = Data(repeating: UInt8(ascii: "x"), count: 3 << 20)
        let server = try LoopbackHTTPServer.start(routes: [
            "/hook": LoopbackHTTPServer.Response(status: 200, body: .bytes(long)),
            "/down": LoopbackHTTPServer.Response(status: 503, body: .bytes(long)),
        ])
        defer { server.stop() }
        let transport = try CurlAlertTransport(connectTimeout: 3)
        defer { Task { await transport.shutdown() } }
        let sink = WebhookAlertSink(url: server.url("/hook"), transport: transport)
        try await sink.deliver(.alert(.sample()))
        #expect(server.requests(for: "/hook").count == 1)
        let down = WebhookAlertSink(url: server.url("/down"), transport: transport)
        await #expect {
            try await down.deliver(.alert(.sample()))
        } throws: { ($0 as? AlertSinkError)?.kind == .rejected(status: 503) }
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
