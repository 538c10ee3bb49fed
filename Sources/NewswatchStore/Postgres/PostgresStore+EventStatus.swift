import Foundation
import PostgresNIO

// What `status` shows of operator events (CONTRACT §10), as SQLiteStore+EventStatus.swift.
extension PostgresStore {
    /// The open incidents, oldest first.
    public func incidents() async throws -> [OpenIncident] {
        try await rows(
            "SELECT subject, since, error FROM incidents ORDER BY since, subject COLLATE \"C\"", "read incidents"
        ).map { row in
            let (subject, since, error) = try row.decode((String, Int64, String?).self)
            return OpenIncident(subject: subject, since: Date(storeSeconds: since), error: error)
        }
    }

    /// Pending and given-up operator-event deliveries per sink, the events file (`file`) included, by sink id in
    /// byte order.
    public func eventSinkSummaries() async throws -> [SinkSummary] {
        try await rows(
            """
            SELECT sink, count(*) FILTER (WHERE state = \(Self.deliveryPending)),
                count(*) FILTER (WHERE state = \(Self.deliveryGivenUp))
            FROM event_deliveries WHERE state IN (\(Self.deliveryPending), \(Self.deliveryGivenUp))
            GROUP BY sink ORDER BY sink COLLATE "C"
            """, "read event sink summaries"
        ).map { row in
            let (sink, pending, givenUp) = try row.decode((String, Int, Int).self)
            return SinkSummary(sink: sink, pending: pending, givenUp: givenUp)
        }
    }
}
