import Foundation
import GRDB

extension SQLiteStore: MetricsStore {
    // `detectionDelays` serves `status` and the digest (`DigestStore`); `newItemFigures` the metrics.
    public func newItemFigures(feedKey: String, firstSeen: Date) throws -> [NewItemFigure] {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT i.published, i.undated, i.first_seen, i.matches
                    FROM items i JOIN feeds f ON f.id = i.feed_id
                    WHERE f.key = ? AND i.first_seen = ?
                    """,
                arguments: [feedKey, firstSeen.storeSeconds])
            return rows.map { row in
                let undated: Bool = row[1]
                return NewItemFigure(
                    published: undated ? nil : Date(storeSeconds: row[0]), firstSeen: Date(storeSeconds: row[2]),
                    topics: StoredMatch.decode(row[3]).map(\.topic))
            }
        }
    }

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
