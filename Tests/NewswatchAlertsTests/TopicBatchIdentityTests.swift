import Foundation
import NewswatchCore
import Testing

@testable import NewswatchAlerts

/// A topic batch's identity (CONTRACT §10): a resend of the same rows keeps its id, Matrix transaction id and email
/// Message-ID, so receivers drop the duplicate; a further message of the same topic and period (a row committed
/// after the batch went, the rest of an oversized batch) gets ids of its own, so no receiver drops it as a resend.
@Suite struct TopicBatchIdentityTests {
    private static func ids(_ batch: TopicBatch) -> [String] {
        let message = SinkMessage.topicBatch(batch)
        return [
            batch.id, AlertPayload.matrixTransactionID(message),
            AlertPayload.email(message, from: "nw@example.org", to: ["desk@example.org"], date: Date()).messageID,
        ]
    }

    @Test func aLatePartOfTheSamePeriodIsItsOwnMessage() {
        let first = TopicBatchPayloadTests.batch()
        var late = first
        var straggler = Alert.sample(id: "a4", title: "Aid trucks wait at the crossing", link: "https://example.org/4")
        straggler.story = "story-4"
        late.alerts = [straggler]
        let (a, b) = (Self.ids(first), Self.ids(late))
        for i in a.indices { #expect(a[i] != b[i]) }
    }

    @Test func aResendOfTheSameRowsKeepsItsIdsWhateverTheOrder() {
        let first = TopicBatchPayloadTests.batch()
        var again = first
        again.alerts.reverse()
        #expect(Self.ids(first) == Self.ids(again))
        #expect(first.id.count == 32)
    }
}
