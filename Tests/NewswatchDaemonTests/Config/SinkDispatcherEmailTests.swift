import Foundation
import NewswatchConfig
import NewswatchCore
import NewswatchStore
import NewswatchTestSupport
import Testing

@testable import NewswatchDaemon

/// The email sink through the dispatcher and libcurl into a real SMTP server on loopback (Python's aiosmtpd).
/// Without aiosmtpd it fails, saying how to install it (`LoopbackSMTPServer.start`); it never skips.
@Suite(.timeLimit(.minutes(2)))
struct SinkDispatcherEmailTests {
    typealias T = SinkDispatcherTests

    static func email(_ server: LoopbackSMTPServer, batch: ConfigDuration? = nil, passwordFile: URL? = nil)
        -> SinkConfig
    {
        .email(
            .init(
                url: URL(string: server.url)!, from: "newswatch@example.org",
                to: ["desk@example.org", "night@example.org"], username: passwordFile == nil ? nil : "newswatch",
                passwordFile: passwordFile, batch: batch))
    }

    @Test func oneMessagePerAlertWithSubjectAddressesTitleAndLink() async throws {
        let f = try T.Fixture()
        defer { f.remove() }
        let server = try LoopbackSMTPServer.start(credentials: ("newswatch", "mail-pass"))
        defer { server.stop() }
        let password = try f.dir.write("smtp.secret", "mail-pass\n")
        let dispatcher = try f.dispatcher([Self.email(server, passwordFile: password)])
        let alerts = try f.ingest(["Gaza talks resume", "Israel votes"], at: T.t0, routes: dispatcher.routes)
        let result = try #require(await dispatcher.drainSinks(at: T.t0)[dispatcher.sinks[0].id])
        #expect(result.delivered == 2)
        let messages = try #require(server.waitForMessages(2))
        #expect(messages.count == 2)
        for (message, alert) in zip(messages, alerts) {
            #expect(message.mailFrom == "newswatch@example.org")
            #expect(message.recipients == ["desk@example.org", "night@example.org"])
            #expect(message.login == "newswatch")
            let text = message.text
            #expect(text.contains("\r\nSubject: [newswatch] \(alert.topicName): \(alert.title!)\r\n"))
            #expect(text.contains("\r\nFrom: newswatch@example.org\r\n"))
            #expect(text.contains("\r\nTo: desk@example.org,\r\n night@example.org\r\n"))
            let headerEnd = try #require(text.range(of: "\r\n\r\n"))
            let body = text[headerEnd.upperBound...]
            #expect(body.hasPrefix(alert.title! + "\r\n" + alert.link! + "\r\n"))
        }
        #expect(try f.summary(dispatcher.sinks[0].id).pending == 0)
    }

    @Test func aBatchGoesAsOneMessageWhenItsMinuteIsOver() async throws {
        let f = try T.Fixture()
        defer { f.remove() }
        let server = try LoopbackSMTPServer.start()
        defer { server.stop() }
        let dispatcher = try f.dispatcher([Self.email(server, batch: ConfigDuration(seconds: 60))])
        let id = dispatcher.sinks[0].id
        try f.ingest(["Gaza one", "Gaza two"], at: T.t0, routes: dispatcher.routes)
        #expect(await dispatcher.drainSinks(at: T.t0)[id]?.batched == 2)
        try f.ingest(["Israel three"], at: T.t0.addingTimeInterval(20), routes: dispatcher.routes)
        #expect(await dispatcher.drainSinks(at: T.t0.addingTimeInterval(20))[id]?.batched == 1)
        #expect(server.messages.isEmpty)
        #expect(try f.summary(id).pending == 3)  // still owed until the batch is sent

        #expect(await dispatcher.nextWake(sink: id, after: T.t0.addingTimeInterval(20)) == T.t0.addingTimeInterval(60))
        #expect(await dispatcher.drainSinks(at: T.t0.addingTimeInterval(60))[id]?.delivered == 3)
        let messages = try #require(server.waitForMessages(1))
        #expect(messages.count == 1)
        let text = try #require(messages.first?.text)
        #expect(text.contains("Subject: [newswatch] 3 alerts: Gaza war (2), Israel (1)\r\n"))
        for title in ["Gaza one", "Gaza two", "Israel three"] { #expect(text.contains(title)) }
        #expect(try f.summary(id).pending == 0)
    }

    /// A batch gathering more alerts than one outbox page (20) still takes the newer ones: the rows it holds stay
    /// pending and come back first, and the worker reads past them.
    @Test func aBatchLargerThanAPageKeepsTakingNewerAlerts() async throws {
        let f = try T.Fixture()
        defer { f.remove() }
        let server = try LoopbackSMTPServer.start()
        defer { server.stop() }
        let dispatcher = try f.dispatcher([Self.email(server, batch: ConfigDuration(seconds: 60))])
        let id = dispatcher.sinks[0].id
        try f.ingest((1...30).map { "Gaza report \($0)" }, at: T.t0, routes: dispatcher.routes)
        #expect(await dispatcher.drainSinks(at: T.t0)[id]?.batched == 30)
        try f.ingest((31...35).map { "Gaza report \($0)" }, at: T.t0.addingTimeInterval(20), routes: dispatcher.routes)
        #expect(await dispatcher.drainSinks(at: T.t0.addingTimeInterval(20))[id]?.batched == 5)
        #expect(await dispatcher.drainSinks(at: T.t0.addingTimeInterval(60))[id]?.delivered == 35)
        let messages = try #require(server.waitForMessages(1))
        #expect(messages.count == 1)
        #expect(try f.summary(id).pending == 0)
    }
}
