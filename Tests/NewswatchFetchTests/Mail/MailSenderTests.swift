import Foundation
import NewswatchFetch
import NewswatchTestSupport
import Testing

/// `MailSender` against a real SMTP server on loopback (Python's aiosmtpd). Without aiosmtpd these tests fail,
/// saying how to install it (`LoopbackSMTPServer.start`); they never skip.
@Suite(.timeLimit(.minutes(2)))
struct MailSenderTests {
    static func message(subject: String, body: String) -> Data {
        Data(
            ("From: newswatch@example.org\r\nTo: desk@example.org\r\nSubject: \(subject)\r\n"
                + "Message-ID: <t.\(UUID().uuidString)@example.org>\r\n\r\n" + body).utf8)
    }

    @Test func submitsTheMessageWithItsEnvelope() async throws {
        let server = try LoopbackSMTPServer.start()
        defer { server.stop() }
        // A leading dot must survive: libcurl dot-stuffs, the server un-stuffs.
        let body = "Strikes on Gaza\r\nhttps://example.org/a\r\n.hidden line\r\n"
        try await MailSender(connectTimeout: 3, timeout: 10).send(
            MailRequest(
                url: server.url, from: "Newswatch <newswatch@example.org>",
                recipients: ["desk@example.org", "night@example.org"], requireTLS: false,
                message: Self.message(subject: "hello", body: body)))
        let messages = try #require(server.waitForMessages(1))
        #expect(messages.count == 1)
        let message = try #require(messages.first)
        #expect(message.mailFrom == "newswatch@example.org")
        #expect(message.recipients == ["desk@example.org", "night@example.org"])
        #expect(message.login == nil)
        #expect(message.text.contains("Subject: hello\r\n"))
        #expect(message.text.contains("\r\n\r\nStrikes on Gaza\r\nhttps://example.org/a\r\n.hidden line\r\n"))
    }

    @Test func authenticatesWithUsernameAndPassword() async throws {
        let server = try LoopbackSMTPServer.start(credentials: ("newswatch", "s3cret"))
        defer { server.stop() }
        try await MailSender(connectTimeout: 3, timeout: 10).send(
            MailRequest(
                url: server.url, from: "newswatch@example.org", recipients: ["desk@example.org"],
                username: "newswatch", password: "s3cret", requireTLS: false,
                message: Self.message(subject: "auth", body: "x\r\n")))
        #expect(server.waitForMessages(1)?.first?.login == "newswatch")

        // Wrong password: refused, nothing delivered.
        await #expect {
            try await MailSender(connectTimeout: 3, timeout: 10).send(
                MailRequest(
                    url: server.url, from: "newswatch@example.org", recipients: ["desk@example.org"],
                    username: "newswatch", password: "wrong", requireTLS: false,
                    message: Self.message(subject: "auth", body: "x\r\n")))
        } throws: { error in
            (error as? FetchError).map { $0.kind == .network && !$0.message.contains("wrong") } ?? false
        }
        #expect(server.messages.count == 1)
    }

    @Test func aRefusedRecipientFailsTheWholeMessage() async throws {
        let server = try LoopbackSMTPServer.start()
        defer { server.stop() }
        let error = await #expect(throws: FetchError.self) {
            try await MailSender(connectTimeout: 3, timeout: 10).send(
                MailRequest(
                    url: server.url, from: "newswatch@example.org",
                    recipients: ["desk@example.org", "reject-me@example.org"], requireTLS: false,
                    message: Self.message(subject: "x", body: "x\r\n")))
        }
        #expect(error?.kind == .network)
        #expect(error?.message.contains("550") == true)
        usleep(200_000)
        #expect(server.messages.isEmpty)
    }

    @Test func startTLSRequiredButNotOfferedIsATLSFailureAndSendsNothing() async throws {
        let server = try LoopbackSMTPServer.start()
        defer { server.stop() }
        let error = await #expect(throws: FetchError.self) {
            try await MailSender(connectTimeout: 3, timeout: 10).send(
                MailRequest(
                    url: server.url, from: "newswatch@example.org", recipients: ["desk@example.org"],
                    requireTLS: true, message: Self.message(subject: "x", body: "x\r\n")))
        }
        #expect(error?.kind == .tls)
        #expect(error?.message.contains("STARTTLS") == true)
        #expect(server.messages.isEmpty)
    }

    @Test func aServerThatIsNotThereIsAConnectFailure() async throws {
        let port = try LoopbackHTTPServer.unusedPort()
        let error = await #expect(throws: FetchError.self) {
            try await MailSender(connectTimeout: 3, timeout: 10).send(
                MailRequest(
                    url: "smtp://127.0.0.1:\(port)", from: "newswatch@example.org", recipients: ["desk@example.org"],
                    requireTLS: false, message: Self.message(subject: "x", body: "x\r\n")))
        }
        #expect(error?.kind == .connect)
    }

    @Test func refusesOtherSchemesAndAddressesThatCouldInjectCommands() async throws {
        let sender = MailSender()
        let cases: [(MailRequest, FetchError.Kind)] = [
            (
                MailRequest(url: "http://example.org", from: "a@b.c", recipients: ["d@e.f"], message: Data()),
                .forbiddenProtocol
            ),
            (MailRequest(url: "smtp://", from: "a@b.c", recipients: ["d@e.f"], message: Data()), .invalidRequest),
            (MailRequest(url: "smtp://example.org", from: "a@b.c", recipients: [], message: Data()), .invalidRequest),
            (
                MailRequest(
                    url: "smtp://example.org", from: "a@b.c", recipients: ["d@e.f>\r\nRCPT TO:<x@y.z"], message: Data()),
                .invalidRequest
            ),
        ]
        for (request, kind) in cases {
            let error = await #expect(throws: FetchError.self) { try await sender.send(request) }
            #expect(error?.kind == kind, "\(request.url) \(request.recipients)")
        }
    }

    @Test func cancellingTheTaskAbortsAHangingDialogue() async throws {
        // A TCP server that accepts and never speaks: the SMTP greeting never comes.
        let server = try LoopbackHTTPServer.start { _ in .hang }
        defer { server.stop() }
        let task = Task {
            try await MailSender(connectTimeout: 3, timeout: 60).send(
                MailRequest(
                    url: "smtp://127.0.0.1:\(server.port)", from: "a@example.org", recipients: ["d@example.org"],
                    requireTLS: false, message: Data("x\r\n".utf8)))
        }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        let result = await task.result
        guard case .failure(let error) = result, let fetchError = error as? FetchError else {
            Issue.record("expected a cancellation error, got \(result)")
            return
        }
        #expect(fetchError.kind == .cancelled)
    }
}
