import Foundation
import NewswatchCore
import Testing

@testable import NewswatchAlerts

/// A topic batch (CONTRACT §10) in every sink format: one message listing each story once with its title, link,
/// sources and matched terms.
@Suite struct TopicBatchPayloadTests {
    static func batch(periodEnd: Date = Timestamp.date(year: 2026, month: 11, day: 24, hour: 18, minute: 15))
        -> TopicBatch
    {
        var first = Alert.sample(id: "a1", title: "Talks resume in Cairo", link: "https://example.org/1")
        first.story = "story-1"
        var second = Alert.sample(id: "a2", title: "Convoy reaches Rafah", link: "https://example.org/2")
        second.story = "story-2"
        // A later alert of the first story (an update with more sources) is listed once, with its sources.
        var again = first
        again.id = "a3"
        again.sources = 4
        return TopicBatch(
            topic: "gaza", topicName: "Gaza war", periodStart: periodEnd.addingTimeInterval(-900), periodEnd: periodEnd,
            hold: .batch, alerts: [first, second, again])
    }

    static func occurrences(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test func eachStoryIsListedOnceWithItsLatestSources() {
        let stories = Self.batch().stories
        #expect(stories.map(\.id) == ["a3", "a2"])
        #expect(stories.first?.sources == 4)
        #expect(Self.batch().heading == "2 stories on Gaza war, 2026-11-24 18:00-18:15 UTC")
    }

    @Test func jsonIsOneBatchObject() throws {
        let data = AlertPayload.json(.topicBatch(Self.batch()))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["kind"] as? String == "batch" && object["topic"] as? String == "gaza")
        #expect((object["id"] as? String)?.count == 32)
        #expect(object["topic_name"] as? String == "Gaza war" && object["held"] as? String == "batch")
        #expect(object["period_start"] as? String == "2026-11-24T18:00:00Z")
        #expect(object["period_end"] as? String == "2026-11-24T18:15:00Z")
        let alerts = try #require(object["alerts"] as? [[String: Any]])
        #expect(alerts.compactMap { $0["id"] as? String } == ["a3", "a2"])
        #expect(alerts.first?["sources"] as? Int == 4)
    }

    @Test func textFormatsListEveryStoryOnceWithLinkSourcesAndTerms() throws {
        let message = SinkMessage.topicBatch(Self.batch())
        let texts = [
            AlertPayload.slackText(message), AlertPayload.chatText(message),
            AlertPayload.chatHTML(message, newline: "\n"),
            String(decoding: AlertPayload.teams(message), as: UTF8.self),
            String(decoding: AlertPayload.matrix(message), as: UTF8.self),
            AlertPayload.email(message, from: "nw@example.org", to: ["desk@example.org"], date: Date()).body,
        ]
        for text in texts {
            #expect(Self.occurrences("Talks resume in Cairo", in: text) == 1 || text.contains("\"formatted_body\""))
            #expect(text.contains("Convoy reaches Rafah"), "\(text)")
            #expect(text.contains("https://example.org/1") && text.contains("https://example.org/2"), "\(text)")
            #expect(text.contains("4 sources") || text.contains("Sources:   4"), "\(text)")
            #expect(text.contains("Rafah") && text.contains("Gaza Strip"), "\(text)")
            #expect(text.contains("2 stories on Gaza war") || text.contains("Gaza war"), "\(text)")
        }
        // Matrix carries the text twice (plain body and HTML), each story once in each.
        let matrix = try #require(
            try JSONSerialization.jsonObject(with: AlertPayload.matrix(message)) as? [String: Any])
        #expect(Self.occurrences("Talks resume in Cairo", in: matrix["body"] as? String ?? "") == 1)
        let email = AlertPayload.email(message, from: "nw@example.org", to: ["desk@example.org"], date: Date())
        #expect(email.subject == "[newswatch] Gaza war: 2 stories")
    }

    @Test func ntfyTitlesTheBatch() {
        let headers = WebhookAlertSink.ntfyHeaders(.topicBatch(Self.batch()))
        // Plain ASCII: no encoded word needed for an ASCII topic name.
        #expect(
            headers.first { $0.name == "Title" }?.value
                == "newswatch: 2 stories on Gaza war, 2026-11-24 18:00-18:15 UTC")
        #expect(headers.first { $0.name == "Priority" }?.value == "high")
        #expect(headers.first { $0.name == "Tags" }?.value == "newspaper,gaza")
    }

    @Test func matrixTransactionIsTheBatchsOwnAcrossRetries() {
        let retried = Self.batch()  // the same rows read again after a failure or a crash
        var part = Self.batch()
        part.alerts.removeLast()  // other rows of the same period: another message (TopicBatchIdentityTests)
        let id = AlertPayload.matrixTransactionID(.topicBatch(Self.batch()))
        #expect(id == AlertPayload.matrixTransactionID(.topicBatch(retried)))
        #expect(id != AlertPayload.matrixTransactionID(.topicBatch(part)))
        let later = Self.batch(periodEnd: Timestamp.date(year: 2026, month: 11, day: 24, hour: 18, minute: 30))
        #expect(id != AlertPayload.matrixTransactionID(.topicBatch(later)))
        #expect(id != AlertPayload.matrixTransactionID(.batch(Self.batch().alerts)))
        #expect(Self.batch().id == retried.id && Self.batch().id != later.id)
    }
}
