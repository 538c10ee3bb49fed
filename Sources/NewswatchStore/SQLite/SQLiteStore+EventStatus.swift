import Foundation
import GRDB

// What `status` shows of operator events (CONTRACT §10): the open incidents and each sink's event outbox.
extension SQLiteStore {
    /// The open incidents, oldest first.
    public func incidents() throws -> [OpenIncident] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT subject, since, error FROM incidents ORDER BY since, subject").map {
                OpenIncident(subject: $0[0], since: Date(storeSeconds: $0[1]), error: $0[2])
            }
        }
    }

    /// Pending and given-up operator-event deliveries per sink, the events file (`file`) included.
    public func eventSinkSummaries() throws -> [SinkSummary] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT sink, SUM(state = ?), SUM(state = ?) FROM event_deliveries
                    WHERE state IN (?, ?) GROUP BY sink ORDER BY sink
                    """,
                arguments: [Self.deliveryPending, Self.deliveryGivenUp, Self.deliveryPending, Self.deliveryGivenUp]
            ).map { SinkSummary(sink: $0[0], pending: $0[1], givenUp: $0[2]) }
        }
    }
}
