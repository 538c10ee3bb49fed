import Foundation
import NewswatchCore
import PostgresNIO

// `max_per_hour` holds shared by every daemon (CONTRACT §10 "a summary message when it trips", §9): `admitToSink`
// begins a hold and marks what it holds back; when the hold ends one daemon claims it and sends its one summary.
extension PostgresStore {
    /// `pg5-shared-summary-holds`: one row per hold of a (sink, topic), and when each delivery was held back.
    static let sinkHolds = [
        """
        CREATE TABLE sink_holds (
            sink text NOT NULL,
            topic text NOT NULL,
            topic_name text NOT NULL,
            since bigint NOT NULL,
            until bigint NOT NULL,
            claim_owner text,
            claim_until bigint,
            summarized bigint,
            PRIMARY KEY (sink, topic, since)
        )
        """,
        "CREATE INDEX sink_holds_due ON sink_holds(sink, until) WHERE summarized IS NULL",
        "ALTER TABLE deliveries ADD COLUMN held_at bigint",
    ]

    public func claimEndedHolds(sink: String, at now: Date) async throws -> [SinkHold] {
        let t = now.storeSeconds
        let owner = claims?.owner ?? "newswatch"
        let until = now.addingTimeInterval(max(claims?.lease ?? 120, 1)).storeSeconds
        let ended = try await rows(
            """
            UPDATE sink_holds SET claim_owner = \(owner), claim_until = \(until)
            WHERE sink = \(sink) AND until <= \(t) AND summarized IS NULL
                AND (claim_until IS NULL OR claim_until <= \(t) OR claim_owner = \(owner))
            RETURNING topic, topic_name, since, until
            """, "claim ended holds")
        var holds: [SinkHold] = []
        for row in ended {
            let (topic, topicName, since, end) = try row.decode((String, String, Int64, Int64).self)
            let held = try await rows(
                """
                SELECT a.title FROM deliveries d JOIN alerts a ON a.seq = d.alert_seq
                WHERE d.sink = \(sink) AND a.topic = \(topic) AND d.held_at >= \(since) AND d.held_at < \(end)
                ORDER BY d.held_at, a.seq
                """, "read a hold's alerts")
            let titles = try held.prefix(5).map { try $0.decode(String?.self) ?? "(untitled)" }
            holds.append(
                SinkHold(
                    sink: sink, topic: topic, topicName: topicName, since: Date(storeSeconds: since),
                    until: Date(storeSeconds: end), heldBack: held.count, sampleTitles: titles))
        }
        return holds.sorted { $0.since < $1.since }
    }

    public func markHoldSummarized(sink: String, topic: String, since: Date, at now: Date) async throws {
        _ = try await rows(
            """
            UPDATE sink_holds SET summarized = \(now.storeSeconds), claim_owner = NULL, claim_until = NULL
            WHERE sink = \(sink) AND topic = \(topic) AND since = \(since.storeSeconds)
            """, "record a hold's summary")
    }
}
