import Foundation
import NewswatchCore

// The email of a topic batch (CONTRACT §10): one message per topic and period, each story once.
extension AlertPayload {
    /// `[newswatch] Gaza war: 3 stories` with the heading and every story's block.
    static func topicBatchEmail(_ batch: TopicBatch, from: String, to: [String], date: Date) -> EmailMessage {
        let stories = batch.stories
        var body = batch.heading + "\n"
        for (i, alert) in stories.enumerated() {
            body += "\n" + String(repeating: "=", count: 60) + "\n\(i + 1). " + emailBlock(alert)
        }
        body += "\n-- \nnewswatch alerts " + batch.alerts.map(\.id).joined(separator: ", ") + "\n"
        return EmailMessage(
            from: from, to: to, subject: "[newswatch] \(batch.topicName): \(batch.contents)", date: date,
            messageID: EmailMessage.messageID(
                local: "batch." + SHA256.hash(Array(batch.key.utf8)).prefix(12).lowercaseHex, from: from),
            body: body,
            extraHeaders: [("X-Newswatch-Topic", batch.topic)])
    }
}
