import Foundation
import NewswatchCore
import Testing

@testable import NewswatchAlerts

/// A spike inside a topic batch (CONTRACT §10): a spike has no story, so it is listed as itself and counted as a
/// spike, not as a story.
@Suite struct TopicBatchSpikeTests {
    static func batch(_ alerts: [Alert]) -> TopicBatch {
        let end = Timestamp.date(year: 2026, month: 11, day: 24, hour: 18, minute: 15)
        return TopicBatch(
            topic: "gaza", topicName: "Gaza war", periodStart: end.addingTimeInterval(-900), periodEnd: end,
            hold: .batch, alerts: alerts)
    }

    static func spike(_ id: String) -> Alert {
        var spike = Alert.sample(id: id, title: "Spike: 12 items on Gaza war in the last hour", link: nil)
        spike.story = "spike:" + id
        spike.sources = 0
        spike.kind = .spike
        spike.extra = AlertExtra(itemsLastHour: 12, baseline: 2.1)
        return spike
    }

    @Test func aSpikeIsListedAndCountedAsASpike() {
        var story = Alert.sample(id: "a1", title: "Talks resume in Cairo", link: "https://example.org/1")
        story.story = "story-1"
        let mixed = Self.batch([story, Self.spike("s1")])
        #expect(mixed.stories.map(\.id) == ["a1", "s1"])
        #expect(mixed.heading == "1 story and 1 spike on Gaza war, 2026-11-24 18:00-18:15 UTC")
        let email = AlertPayload.topicBatchEmail(mixed, from: "a@example.org", to: ["b@example.org"], date: Date())
        #expect(email.subject == "[newswatch] Gaza war: 1 story and 1 spike")
        #expect(email.body.contains("Spike: 12 items in the last hour (usual for this hour: 2.1)"))
        #expect(Self.batch([Self.spike("s1"), Self.spike("s2")]).heading.hasPrefix("2 spikes on Gaza war, "))
    }
}
