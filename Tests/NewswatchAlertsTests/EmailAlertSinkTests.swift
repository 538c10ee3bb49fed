import Foundation
import NewswatchCore
import Testing

@testable import NewswatchAlerts

@Suite struct EmailAlertSinkTests {
    private let sent = Timestamp.date(year: 2026, month: 11, day: 25, hour: 12)

    @Test func submitsTheRenderedMessageWithEnvelope() async throws {
        let transport = RecordingTransport()
        let sink = EmailAlertSink(
            url: "smtp://mail.example.org:587", from: "newswatch@example.org",
            to: ["desk@example.org", "ed@example.org"],
            username: "newswatch", password: "pw", transport: transport, now: { [sent] in sent })
        try await sink.deliver(.alert(.sample()))
        let mail = try #require(transport.recordedMails.first)
        #expect(mail.url == "smtp://mail.example.org:587")
        #expect(mail.from == "newswatch@example.org")
        #expect(mail.recipients == ["desk@example.org", "ed@example.org"])
        #expect(mail.username == "newswatch" && mail.password == "pw")
        #expect(mail.requireTLS)
        let expected = AlertPayload.email(
            .alert(.sample()), from: "newswatch@example.org", to: ["desk@example.org", "ed@example.org"], date: sent)
        #expect(mail.message == expected.rendered)
    }

    @Test func failureIsUnreachable() async {
        let transport = RecordingTransport(answers: [.fail("535 authentication failed")])
        let sink = EmailAlertSink(
            url: "smtps://mail.example.org", from: "n@example.org", to: ["d@example.org"], transport: transport)
        do {
            try await sink.deliver(.batch([.sample(), .sample(id: "b")]))
            Issue.record("must fail")
        } catch {
            #expect(error.kind == .unreachable)
            #expect(error.description.contains("535 authentication failed"))
        }
    }
}
