import Foundation
import GRDB

extension SQLiteStore {
    /// Retention for escalation facts, spikes and operator events, run by `prune`: facts of stories that are gone,
    /// spikes and finished events older than `cutoff` (store seconds). Open incidents stay: they are still news.
    func pruneKindRecords(cutoff: Int64) throws {
        try write { db in
            try db.execute(
                sql: """
                    DELETE FROM escalations
                      WHERE at < ? AND NOT EXISTS (SELECT 1 FROM story_keys k WHERE k.key = story_key);
                    DELETE FROM spikes WHERE at < ?;
                    DELETE FROM operator_events WHERE at < ?
                      AND NOT EXISTS (SELECT 1 FROM event_deliveries d WHERE d.event_seq = seq AND d.state = ?);
                    """,
                arguments: [cutoff, cutoff, cutoff, Self.deliveryPending])
        }
    }
}
