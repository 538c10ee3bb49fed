import Foundation
import NewswatchCore
import NewswatchTestSupport
import Testing

@testable import NewswatchAlerts

/// The `teams`, `ntfy`, `telegram` and `matrix` webhook formats through the real libcurl transport to a loopback
/// receiver that checks method, path, headers and body as each service documents its incoming API (CONTRACT §10).
@Suite struct ChatWebhookFormatTests {
    static let token = "syt_c2VjcmV0_TOKENabc123"

    /// Delivers `messages` through a sink built by `make` to a receiver answering `answers` in turn (then 200).
    static func deliver(
        _ messages: [SinkMessage], answers: [Int] = [], make: (String, CurlAlertTransport) -> WebhookAlertSink
    ) async throws -> (requests: [LoopbackHTTPServer.Request], errors: [AlertSinkError]) {
        let queue = AnswerQueue(answers)
        let server = try LoopbackHTTPServer.start { request in
            // A rejection echoes the request's target, as some services do: the error must not carry its token.
            let status = queue.next()
            let body = status == 200 ? "{}" : "{\"error\":\"no route \(request.target)\"}"
            return .init(status: status, body: .bytes(Data(body.utf8)))
        }
        defer { server.stop() }
        let transport = try CurlAlertTransport()
        let sink = make(server.baseURL, transport)
        var errors: [AlertSinkError] = []
        for message in messages {
            do { try await sink.deliver(message) } catch { errors.append(error) }
        }
        await transport.shutdown()
        return (server.requests, errors)
    }

    static func object(_ body: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
    }

    @Test func teamsPostsAMessageWithAnAdaptiveCard() async throws {
        let alert = Alert.sample()
        let (requests, errors) = try await Self.deliver([.alert(alert)]) { base, transport in
            WebhookAlertSink(url: base + "/webhookb2/abc/IncomingWebhook/def", format: .teams, transport: transport)
        }
        #expect(errors.isEmpty)
        let request = try #require(requests.first)
        #expect(request.method == "POST" && request.path == "/webhookb2/abc/IncomingWebhook/def")
        #expect(request.header("Content-Type") == "application/json; charset=utf-8")
        let body = try Self.object(request.body)
        #expect(body["type"] as? String == "message")
        let attachment = try #require((body["attachments"] as? [[String: Any]])?.first)
        #expect(attachment["contentType"] as? String == "application/vnd.microsoft.card.adaptive")
        let card = try #require(attachment["content"] as? [String: Any])
        #expect(card["type"] as? String == "AdaptiveCard" && card["version"] as? String == "1.4")
        let container = try #require((card["body"] as? [[String: Any]])?.first)
        let items = try #require(container["items"] as? [[String: Any]])
        #expect(items[0]["type"] as? String == "TextBlock" && items[0]["text"] as? String == alert.title)
        let facts = try #require(items[1]["facts"] as? [[String: String]])
        #expect(facts.map { $0["title"] ?? "" } == ["Topic", "Matched", "Sources"])
        #expect(facts[0]["value"] == "Gaza war (priority high)" && facts[1]["value"] == "Gaza Strip, Rafah")
        #expect(facts[2]["value"] == "Example <World>")
        let action = try #require((items[2]["actions"] as? [[String: Any]])?.first)
        #expect(action["type"] as? String == "Action.OpenUrl" && action["url"] as? String == alert.link)
    }

    @Test func ntfyPostsTheTextWithTitlePriorityClickTagsAndBearer() async throws {
        let alert = Alert.sample(title: "Rafah: Übergang geöffnet\r\nX-Injected: 1")
        let (requests, errors) = try await Self.deliver([.alert(alert)]) { base, transport in
            WebhookAlertSink(url: base + "/newsdesk", format: .ntfy, token: Self.token, transport: transport)
        }
        #expect(errors.isEmpty)
        let request = try #require(requests.first)
        #expect(request.method == "POST" && request.path == "/newsdesk")
        #expect(request.header("Authorization") == "Bearer " + Self.token)
        #expect(request.header("Priority") == "high")
        #expect(request.header("Click") == alert.link)
        #expect(request.header("Tags") == "newspaper,gaza")
        #expect(request.header("X-Injected") == nil, "a title cannot add a header")
        // Non-ASCII: one RFC 2047 encoded word, which ntfy decodes; the line break became a space.
        let title = try #require(request.header("Title"))
        #expect(title.hasPrefix("=?UTF-8?B?") && title.hasSuffix("?="))
        let encoded = String(title.dropFirst(10).dropLast(2))
        let decoded = try #require(Data(base64Encoded: encoded)).map { $0 }
        #expect(String(decoding: decoded, as: UTF8.self) == "Rafah: Übergang geöffnet  X-Injected: 1")
        #expect(
            request.bodyText
                == "Rafah: Übergang geöffnet\r\nX-Injected: 1\nhttps://example.org/news/1?a=1&b=2\n"
                + "Topic: Gaza war (priority high)\nMatched: Gaza Strip, Rafah\nSources: Example <World>")
    }

    @Test func telegramCallsSendMessageWithTheTokenInThePathButNeverInAnError() async throws {
        let token = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
        let alert = Alert.sample(sources: 3)
        let (requests, errors) = try await Self.deliver([.alert(alert), .alert(alert)], answers: [200, 400]) {
            base, transport in
            WebhookAlertSink(
                url: base + "/", format: .telegram, token: token, chatID: "-1001234567890", transport: transport)
        }
        #expect(requests.count == 2)
        let request = try #require(requests.first)
        #expect(request.method == "POST" && request.path == "/bot\(token)/sendMessage")
        #expect(request.header("Content-Type") == "application/json; charset=utf-8")
        let body = try Self.object(request.body)
        #expect(body["chat_id"] as? Int == -1_001_234_567_890)
        #expect(body["parse_mode"] as? String == "HTML")
        #expect(
            body["text"] as? String
                == "<b><a href=\"https://example.org/news/1?a=1&amp;b=2\">Strikes &amp; talks: &lt;Rafah&gt; "
                + "crossing</a></b>\nTopic: Gaza war (priority high)\nMatched: Gaza Strip, Rafah\n"
                + "Sources: Example &lt;World&gt; (3 sources)")
        let error = try #require(errors.first)
        #expect(error.kind == .rejected(status: 400))
        #expect(!error.description.contains(token) && !error.description.contains("ABC-DEF"), "\(error)")
    }

    @Test func telegramTransportErrorsNeverCarryTheToken() async throws {
        let token = "987654:SECRETsecretSECRET"
        let port = try LoopbackHTTPServer.unusedPort()
        let transport = try CurlAlertTransport()
        let sink = WebhookAlertSink(
            url: "http://127.0.0.1:\(port)", format: .telegram, token: token, chatID: "@desk", transport: transport)
        await #expect(throws: AlertSinkError.self) { try await sink.deliver(.alert(.sample())) }
        do { try await sink.deliver(.alert(.sample())) } catch {
            #expect(error.kind == .unreachable)
            #expect(!"\(error)".contains("SECRET") && !"\(error)".contains("987654"), "\(error)")
        }
        await transport.shutdown()
        #expect(sink.displayName == "webhook http://127.0.0.1:\(port)")
    }

    @Test func matrixPutsIntoTheEncodedRoomAndARetryReusesTheTransactionID() async throws {
        let first = Alert.sample(id: "alert-1")
        let second = Alert.sample(id: "alert-2")
        let (requests, errors) = try await Self.deliver(
            [.alert(first), .alert(first), .alert(second)], answers: [500]
        ) { base, transport in
            WebhookAlertSink(
                url: base, format: .matrix, token: Self.token, room: "!newsdesk:example.org", transport: transport)
        }
        #expect(errors.count == 1 && errors.first?.kind == .rejected(status: 500))
        #expect(requests.count == 3)
        let prefix = "/_matrix/client/v3/rooms/%21newsdesk%3Aexample.org/send/m.room.message/"
        for request in requests {
            #expect(request.method == "PUT" && request.path.hasPrefix(prefix), "\(request.path)")
            #expect(request.header("Authorization") == "Bearer " + Self.token)
            #expect(request.header("Content-Type") == "application/json; charset=utf-8")
        }
        #expect(requests[0].path == requests[1].path, "the retry reuses the transaction id")
        #expect(requests[1].path != requests[2].path, "another message, another transaction id")
        let body = try Self.object(requests[0].body)
        #expect(body["msgtype"] as? String == "m.text")
        #expect(
            body["body"] as? String
                == "Strikes & talks: <Rafah> crossing\nhttps://example.org/news/1?a=1&b=2\n"
                + "Topic: Gaza war (priority high)\nMatched: Gaza Strip, Rafah\nSources: Example <World>")
        #expect(body["format"] as? String == "org.matrix.custom.html")
        #expect((body["formatted_body"] as? String)?.contains("&lt;Rafah&gt;") == true)
    }

    @Test func aLongBatchIsCutWithACount() {
        let alerts = (0..<200).map { Alert.sample(id: "id\($0)", title: String(repeating: "x", count: 200)) }
        let text = AlertPayload.chatText(.batch(alerts))
        #expect(text.utf8.count <= AlertPayload.maxChatTextBytes + 100)
        #expect(text.hasSuffix("more alerts (in the alerts file)"))
        let teams = AlertPayload.teams(.batch(alerts))
        #expect(teams.count < 28_000)
        // Slack and Mattermost too (review 12: a night's quiet-hours batch passed Mattermost's post limit).
        let slack = AlertPayload.slackText(.batch(alerts))
        #expect(slack.utf8.count <= AlertPayload.maxSlackTextBytes + 100)
        #expect(slack.hasSuffix("more alerts (in the alerts file)"))
        let distinct = alerts.enumerated().map { i, alert in
            var alert = alert
            alert.story = "story-\(i)"
            return alert
        }
        let stories = TopicBatch(
            topic: "gaza", topicName: "Gaza war", periodStart: Date(timeIntervalSince1970: 0),
            periodEnd: Date(timeIntervalSince1970: 3600), hold: .batch, alerts: distinct)
        #expect(stories.stories.count == 200)
        let topicBatch = AlertPayload.slackText(.topicBatch(stories))
        #expect(topicBatch.utf8.count <= AlertPayload.maxSlackTextBytes + 200)
        #expect(topicBatch.hasPrefix("*") && topicBatch.hasSuffix("more alerts (in the alerts file)"))
    }

    @Test func aSummarysTitlesAreBoundedAsAlertTitlesAre() {
        let long = String(repeating: "y", count: 50_000)
        let summary = RateLimitSummary(
            topic: "gaza", topicName: "Gaza war", heldBack: 3, from: Date(timeIntervalSince1970: 0),
            until: Date(timeIntervalSince1970: 3600), sampleTitles: [long, long, "short"])
        for body in [AlertPayload.json(.summary(summary)), AlertPayload.slack(.summary(summary))] {
            #expect(body.count < 5 * AlertPayload.maxTitleCharacters + 1_000, "\(body.count) bytes")
        }
    }
}

/// Statuses a loopback receiver answers in turn, then 200.
final class AnswerQueue: @unchecked Sendable {
    // Owner: `lock` guards `answers`.
    private let lock = NSLock()
    private var answers: [Int]
    init(_ answers: [Int]) { self.answers = answers }
    func next() -> Int { lock.withLock { answers.isEmpty ? 200 : answers.removeFirst() } }
}
