import Foundation
import NewswatchCore
import NewswatchFetch
import Testing

@testable import NewswatchAlerts

/// An `AlertTransport` that records what the sinks hand it and answers as scripted.
///
/// The real transport (libcurl through NewswatchFetch) is tested against loopback servers by its own tests;
/// this one checks the sink side of the protocol: bodies, headers, and how answers become errors.
final class RecordingTransport: AlertTransport, @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }
    enum Answer {
        case status(Int, String)
        case fail(String)
        case thrown(any Error & Sendable)
    }
    // Owner: `lock` guards everything below.
    private let lock = NSLock()
    private var answers: [Answer]
    private(set) var posts: [WebhookRequest] = []
    private(set) var mails: [MailRequest] = []

    init(answers: [Answer] = []) { self.answers = answers }

    var recordedPosts: [WebhookRequest] { lock.withLock { posts } }
    var recordedMails: [MailRequest] { lock.withLock { mails } }

    private func nextAnswer() -> Answer {
        lock.withLock { answers.isEmpty ? .status(200, "") : answers.removeFirst() }
    }

    func post(_ request: WebhookRequest) async throws -> WebhookResponse {
        lock.withLock { posts.append(request) }
        switch nextAnswer() {
        case .status(let code, let body): return WebhookResponse(status: code, bodyPrefix: Data(body.utf8))
        case .fail(let message): throw Failure(description: message)
        case .thrown(let error): throw error
        }
    }

    func submit(_ mail: MailRequest) async throws {
        lock.withLock { mails.append(mail) }
        switch nextAnswer() {
        case .status: break
        case .fail(let message): throw Failure(description: message)
        case .thrown(let error): throw error
        }
    }
}

@Suite struct WebhookAlertSinkTests {
    @Test func postsTheAlertJSONSignedWithHMAC() async throws {
        let transport = RecordingTransport()
        let secret = WebhookAlertSink.secret(fromFileContents: Data("topsecret\n".utf8))
        #expect(secret == Array("topsecret".utf8))
        let sink = WebhookAlertSink(
            url: "https://hooks.example.org/in/abc", format: .json, secret: secret, timeout: .seconds(5),
            transport: transport)
        let alert = Alert.sample()
        try await sink.deliver(.alert(alert))

        let request = try #require(transport.recordedPosts.first)
        #expect(transport.recordedPosts.count == 1)
        #expect(request.url == "https://hooks.example.org/in/abc")
        #expect(request.body == Data(alert.json.compact.utf8))
        #expect(request.header("content-type") == "application/json; charset=utf-8")
        #expect(request.header("X-Newswatch-Alert-ID") == "a1b2c3")
        #expect(request.timeout == .seconds(5))
        // The receiver's check: HMAC-SHA256 of the exact body under the shared secret.
        #expect(
            request.header(WebhookAlertSink.signatureHeader) == "sha256="
                + HMACSHA256.hex(for: request.body, key: secret))
    }

    @Test func signatureMatchesAnIndependentImplementation() {
        // Python: hmac.new(b"topsecret", b'{"id":"x"}', hashlib.sha256).hexdigest()
        let sink = WebhookAlertSink(
            url: "https://h.example.org", secret: Array("topsecret".utf8), transport: RecordingTransport())
        let request = WebhookRequest(url: "", headers: [], body: Data(#"{"id":"x"}"#.utf8), timeout: .seconds(1))
        #expect(
            HMACSHA256.hex(for: request.body, key: sink.secret!)
                == "79aaf589857c9d79d922fcc2fa15ea9e697df76ec8fcef922b3f82519c5f5645")
    }

    @Test func unsignedWithoutSecretAndSlackFormat() async throws {
        let transport = RecordingTransport()
        let sink = WebhookAlertSink(
            url: "https://hooks.slack.example/services/T/B/X", format: .slack, transport: transport)
        try await sink.deliver(.alert(.sample()))
        let request = try #require(transport.recordedPosts.first)
        #expect(request.header(WebhookAlertSink.signatureHeader) == nil)
        #expect(request.body == AlertPayload.slack(.alert(.sample())))
    }

    @Test func non2xxIsARejectionAndTransportFailureIsUnreachable() async {
        let transport = RecordingTransport(answers: [
            .status(500, "upstream down"), .fail("connection refused"), .status(204, ""),
        ])
        let sink = WebhookAlertSink(url: "https://hooks.example.org/in?token=SECRET", transport: transport)
        do {
            try await sink.deliver(.alert(.sample()))
            Issue.record("a 500 must fail")
        } catch {
            #expect(error.kind == .rejected(status: 500))
            #expect(error.detail == "upstream down")
            #expect(!error.description.contains("SECRET"))
        }
        do {
            try await sink.deliver(.alert(.sample()))
            Issue.record("a transport failure must fail")
        } catch {
            #expect(error.kind == .unreachable)
            #expect(error.detail == "connection refused")
        }
        // Then it recovers.
        await #expect(throws: Never.self) { try await sink.deliver(.alert(.sample())) }
        #expect(transport.recordedPosts.count == 3)
    }

    @Test func displayNameHidesTokens() {
        let sink = WebhookAlertSink(
            url: "https://user:pw@hooks.slack.example/services/T0/B0/XYZ?x=1", transport: RecordingTransport())
        #expect(sink.displayName == "webhook https://hooks.slack.example/…")
    }

    /// CONTRACT §4: the token in a webhook URL's path or query never reaches the error text that is logged and
    /// stored in `deliveries.last_error` — not through the transport's error, nor through a body that echoes it.
    @Test func errorsNeverCarryTheURLsToken() async {
        let url = "https://hooks.example.org/services/T0/B0/PATHT0KEN?token=QUERYT0KEN"
        let transport = RecordingTransport(answers: [
            .thrown(FetchError(.connect, "Failed to connect to hooks.example.org port 443", url: url)),
            .fail("cannot post to \(url)"),
            .status(404, "no such hook: /services/T0/B0/PATHT0KEN?token=QUERYT0KEN"),
        ])
        let sink = WebhookAlertSink(url: url, transport: transport)
        var texts: [String] = []
        for _ in 0..<3 {
            do {
                try await sink.deliver(.alert(.sample()))
                Issue.record("the delivery must fail")
            } catch {
                texts.append(error.description)
            }
        }
        #expect(texts.count == 3)
        #expect(
            texts[0] == "alert sink webhook https://hooks.example.org/… unreachable: connect: Failed to connect to "
                + "hooks.example.org port 443")
        for text in texts {
            #expect(!text.contains("PATHT0KEN") && !text.contains("QUERYT0KEN"), "\(text)")
            #expect(text.hasPrefix("alert sink webhook https://hooks.example.org/… "), "\(text)")
        }
    }
}
