import Foundation
import GRDB
import NewswatchCore

extension SQLiteStore {
    static let storedItemColumns = """
        f.key, f.name, i.title, i.link, i.summary, i.match_text, i.first_seen, i.matches
        """

    static func storedItem(_ row: Row, from column: Int = 0) -> StoredItem {
        let full = ItemMatchText.decode(row[column + 5])
        return StoredItem(
            feedKey: row[column], feedName: row[column + 1], title: row[column + 2], link: row[column + 3],
            summary: full.map(\.summary) ?? row[column + 4], content: full?.content,
            categories: full?.categories ?? [], firstSeen: Date(storeSeconds: row[column + 6]),
            storedTopics: StoredMatch.decode(row[column + 7]).map(\.topic), hasFullText: full != nil)
    }

    public func storedItems(firstSeenFrom from: Date, to: Date) throws -> [StoredItem] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.storedItemColumns) FROM items i JOIN feeds f ON f.id = i.feed_id
                    WHERE i.first_seen >= ? AND i.first_seen < ? ORDER BY i.first_seen, i.id
                    """,
                arguments: [from.storeSeconds, to.storeSeconds]
            ).map { Self.storedItem($0) }
        }
    }

    public func recordVerdict(_ verdict: Verdict) throws {
        try write { db in
            guard
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM alerts WHERE alert_id = ?", arguments: [verdict.alertID]) != nil
            else {
                throw StoreError(.notFound, "no alert with id \(verdict.alertID)", path: path)
            }
            try db.execute(
                sql: """
                    INSERT INTO verdicts(alert_id, relevant, note, at) VALUES (?, ?, ?, ?)
                    ON CONFLICT(alert_id) DO UPDATE SET relevant = excluded.relevant, note = excluded.note,
                        at = excluded.at
                    """,
                arguments: [verdict.alertID, verdict.relevant, verdict.note, verdict.at.storeSeconds])
        }
    }

    public func verdictCounts() throws -> [VerdictCount] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT a.topic, SUM(v.relevant), SUM(1 - v.relevant)
                    FROM verdicts v JOIN alerts a ON a.alert_id = v.alert_id
                    GROUP BY a.topic ORDER BY a.topic
                    """
            ).map { VerdictCount(topic: $0[0], relevant: $0[1], irrelevant: $0[2]) }
        }
    }

    public func judgedAlerts(detectedFrom from: Date) throws -> [JudgedAlert] {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT v.alert_id, v.relevant, v.note, v.at, a.topic, a.title, a.summary, a.feed, a.link,
                        a.story_key
                    FROM verdicts v JOIN alerts a ON a.alert_id = v.alert_id
                    WHERE a.detected >= ? ORDER BY a.seq
                    """,
                arguments: [from.storeSeconds])
            return try rows.map { row in
                let title: String? = row[5]
                let feed: String = row[7]
                let link: String? = row[8]
                // Alerts name their story, not their item: the item is the story's item from the alert's feed
                // with the alert's link (or title), else any of the story's items with that link or title.
                let candidates = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT \(Self.storedItemColumns) FROM items i JOIN feeds f ON f.id = i.feed_id
                        JOIN story_keys k ON k.story_id = i.story_id WHERE k.key = ? ORDER BY i.first_seen, i.id
                        """,
                    arguments: [row[9] as String]
                ).map { Self.storedItem($0) }
                func same(_ item: StoredItem) -> Bool {
                    (link != nil && item.link == link) || (title != nil && item.title == title)
                }
                let item = candidates.first { $0.feedName == feed && same($0) } ?? candidates.first(where: same)
                return JudgedAlert(
                    verdict: Verdict(
                        alertID: row[0], relevant: row[1], note: row[2], at: Date(storeSeconds: row[3])),
                    topic: row[4], item: item, alertTitle: title, alertSummary: row[6], feed: feed)
            }
        }
    }
}
