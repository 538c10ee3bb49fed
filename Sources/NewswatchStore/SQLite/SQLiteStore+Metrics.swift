import Foundation
import GRDB

extension SQLiteStore {
    // `detectionDelays` serves `status` and the digest (`DigestStore`); the metrics take each ingest's new items
    // from its outcome (`IngestOutcome.newItemFigures`).
    public func detectionDelays(firstSeenFrom from: Date, to: Date, backfill: TimeInterval) throws
        -> [String: [TimeInterval]]
    {
        try read { db in
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT f.key, MAX(0, i.first_seen - i.published)
                    FROM items i JOIN feeds f ON f.id = i.feed_id
                    WHERE i.first_seen >= ? AND i.first_seen < ? AND i.undated = 0 AND i.first_seen - i.published <= ?
                    ORDER BY f.key, 2
                    """,
                arguments: [from.storeSeconds, to.storeSeconds, Int64(backfill.rounded(.down))])
            var delays: [String: [TimeInterval]] = [:]
            while let row = try rows.next() {
                delays[row[0], default: []].append(TimeInterval(row[1] as Int64))
            }
            return delays
        }
    }
}
