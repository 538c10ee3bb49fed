import Foundation
import NewswatchCore
import PostgresNIO

// What `match --stored`, `feedback` and `eval --feedback` read and write (CONTRACT §8), as SQLiteStore+Tuning.swift.
extension PostgresStore {
    static let storedItemColumns = """
        f.key, f.name, i.title, i.link, i.summary, i.match_text, i.first_seen, i.matches
        """

    /// An item selected with `storedItemColumns`: the whole matchable text when `match_text` holds it.
    static func storedItem(_ row: PostgresRow) throws -> StoredItem {
        let (key, name, title, link, summary, matchText, firstSeen, matches) = try row.decode(
            (String, String, String?, String?, String?, String?, Int64, String?).self)
        let full = ItemMatchText.decode(matchText)
        return StoredItem(
            feedKey: key, feedName: name, title: title, link: link, summary: full.map(\.summary) ?? summary,
            content: full?.content, categories: full?.categories ?? [], firstSeen: Date(storeSeconds: firstSeen),
            storedTopics: StoredMatch.decode(matches).map(\.topic), hasFullText: full != nil)
    }

    /// Items first seen in `[from, to)` with the text the matcher read and their first-seen topics, oldest first.
    public func storedItems(firstSeenFrom from: Date, to: Date) async throws -> [StoredItem] {
        try await rows(
            """
            SELECT \(unescaped: Self.storedItemColumns) FROM items i JOIN feeds f ON f.id = i.feed_id
            WHERE i.first_seen >= \(from.storeSeconds) AND i.first_seen < \(to.storeSeconds)
            ORDER BY i.first_seen, i.id
            """, "read stored items"
        ).map(Self.storedItem)
    }

    /// Records a desk's verdict on an alert, replacing an earlier one; throws `notFound` for an unknown alert id.
    /// Two daemons (or desks) judging one alert at once: the upsert keeps the later-committed verdict whole.
    public func recordVerdict(_ verdict: Verdict) async throws {
        try await transaction("record verdict") { c -> Void in
            let known = try await c.rows("SELECT 1 FROM alerts WHERE alert_id = \(verdict.alertID)", logger: logger)
            guard !known.isEmpty else {
                throw StoreError(.notFound, "no alert with id \(verdict.alertID)", path: location.redacted)
            }
            try await c.query(
                """
                INSERT INTO verdicts(alert_id, relevant, note, at)
                VALUES (\(verdict.alertID), \(verdict.relevant), \(verdict.note), \(verdict.at.storeSeconds))
                ON CONFLICT (alert_id) DO UPDATE SET relevant = excluded.relevant, note = excluded.note,
                    at = excluded.at
                """, logger: logger)
        }
    }

    /// Verdicts per alert topic, by topic id in byte order.
    public func verdictCounts() async throws -> [VerdictCount] {
        try await rows(
            """
            SELECT a.topic, count(*) FILTER (WHERE v.relevant), count(*) FILTER (WHERE NOT v.relevant)
            FROM verdicts v JOIN alerts a ON a.alert_id = v.alert_id
            GROUP BY a.topic ORDER BY a.topic COLLATE "C"
            """, "read verdict counts"
        ).map { row in
            let (topic, relevant, irrelevant) = try row.decode((String, Int, Int).self)
            return VerdictCount(topic: topic, relevant: relevant, irrelevant: irrelevant)
        }
    }

    /// Every judged alert detected at or after `from`, oldest first, with its stored item (as
    /// `SQLiteStore.judgedAlerts`: the story's item from the alert's feed with its link or title, else any).
    public func judgedAlerts(detectedFrom from: Date) async throws -> [JudgedAlert] {
        try await transaction("read judged alerts") { c -> [JudgedAlert] in
            let rows = try await c.rows(
                """
                SELECT v.alert_id, v.relevant, v.note, v.at, a.topic, a.title, a.summary, a.feed, a.link, a.story_key
                FROM verdicts v JOIN alerts a ON a.alert_id = v.alert_id
                WHERE a.detected >= \(from.storeSeconds) ORDER BY a.seq
                """, logger: logger)
            var judged: [JudgedAlert] = []
            for row in rows {
                let (id, relevant, note, at, topic, title, summary, feed, link, story) = try row.decode(
                    (String, Bool, String?, Int64, String, String?, String?, String, String?, String).self)
                let candidates = try await c.rows(
                    """
                    SELECT \(unescaped: Self.storedItemColumns) FROM items i JOIN feeds f ON f.id = i.feed_id
                    JOIN stories s ON s.id = i.story_id WHERE s.key = \(story) ORDER BY i.first_seen, i.id
                    """, logger: logger
                ).map(Self.storedItem)
                func same(_ item: StoredItem) -> Bool {
                    (link != nil && item.link == link) || (title != nil && item.title == title)
                }
                let item = candidates.first { $0.feedName == feed && same($0) } ?? candidates.first(where: same)
                judged.append(
                    JudgedAlert(
                        verdict: Verdict(alertID: id, relevant: relevant, note: note, at: Date(storeSeconds: at)),
                        topic: topic, item: item, alertTitle: title, alertSummary: summary, feed: feed))
            }
            return judged
        }
    }
}
