import Foundation
import GRDB
import NewswatchCore

extension SQLiteStore {
    public func matchedItems(firstSeenFrom from: Date, to: Date) throws -> [MatchedItemRecord] {
        try read { db in
            var records: [MatchedItemRecord] = []
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT i.matches, s.key, f.key, f.name, f.url, i.title, i.link, i.summary, i.published, i.undated,
                        i.first_seen, i.story_id,
                        COALESCE((SELECT k.story_id = i.story_id FROM story_keys k WHERE k.key = s.key), 1)
                    FROM items i
                    JOIN stories s ON s.id = i.story_id
                    JOIN feeds f ON f.id = i.feed_id
                    WHERE i.first_seen >= ? AND i.first_seen < ? AND i.matches IS NOT NULL
                    ORDER BY i.first_seen, i.id
                    """,
                arguments: [from.storeSeconds, to.storeSeconds])
            while let row = try rows.next() {
                for match in StoredMatch.decode(row[0]) {
                    records.append(
                        MatchedItemRecord(
                            topic: match.topic, terms: match.terms, fields: match.fields, story: row[1],
                            storyRowID: row[11], feedKey: row[2], feedName: row[3], feedURL: row[4], title: row[5],
                            link: row[6],
                            summary: row[7], published: Date(storeSeconds: row[8]), undated: row[9],
                            firstSeen: Date(storeSeconds: row[10]), ownsStoryKey: row[12]))
                }
            }
            return records
        }
    }

    public func storySources(storyRowIDs: [Int64]) throws -> [Int64: [StorySource]] {
        try read { db in
            var result: [Int64: [StorySource]] = [:]
            for chunk in Array(Set(storyRowIDs)).chunked(500) {
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT i.story_id, f.key, f.name, f.url, i.title, i.link, i.published, i.first_seen
                        FROM items i
                        JOIN feeds f ON f.id = i.feed_id
                        WHERE i.story_id IN (\(placeholders(chunk.count)))
                        ORDER BY i.first_seen, i.id
                        """,
                    arguments: StatementArguments(chunk))
                while let row = try rows.next() {
                    result[row[0], default: []].append(
                        StorySource(
                            feedKey: row[1], feedName: row[2], feedURL: row[3], title: row[4], link: row[5],
                            published: Date(storeSeconds: row[6]), firstSeen: Date(storeSeconds: row[7])))
                }
            }
            return result
        }
    }

    public func fetchFailures(from: Date, to: Date) throws -> [FetchEventRecord] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT f.key, f.name, f.url, e.at, e.kind, e.message, e.http_status
                    FROM fetch_events e JOIN feeds f ON f.id = e.feed_id
                    WHERE e.at >= ? AND e.at < ? ORDER BY e.at, e.id
                    """,
                arguments: [from.storeSeconds, to.storeSeconds]
            ).map { row in
                FetchEventRecord(
                    feedKey: row[0], feedName: row[1], feedURL: row[2], at: Date(storeSeconds: row[3]), kind: row[4],
                    message: row[5], httpStatus: row[6])
            }
        }
    }

    /// Items per feed in one scan of `items`: every index on `items(feed_id, …)` is partial, so counting per feed
    /// in a correlated subquery scanned the whole table once per feed (`status` took minutes on 2,000 feeds).
    static let itemCountsSQL = """
        SELECT f.key, COALESCE(c.n, 0) FROM feeds f
        LEFT JOIN (SELECT feed_id, COUNT(*) AS n FROM items GROUP BY feed_id) c ON c.feed_id = f.id
        """

    public func itemCounts() throws -> [String: Int] {
        try read { db in
            var counts: [String: Int] = [:]
            let rows = try Row.fetchCursor(db, sql: Self.itemCountsSQL)
            while let row = try rows.next() { counts[row[0]] = row[1] }
            return counts
        }
    }

    public func totals(alertsSince: Date) throws -> StoreTotals {
        try read { db in
            let feeds = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM feeds WHERE active = 1") ?? 0
            let failing =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM feeds WHERE active = 1 AND error IS NOT NULL") ?? 0
            let items = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM items") ?? 0
            let alerts =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM alerts WHERE detected >= ?", arguments: [alertsSince.storeSeconds])
                ?? 0
            return StoreTotals(feeds: feeds, failing: failing, items: items, alertsSince: alerts)
        }
    }
}
