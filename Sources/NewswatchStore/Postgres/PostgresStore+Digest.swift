import Foundation
import NewswatchCore
import PostgresNIO

extension PostgresStore {
    /// Items first seen in `[from, to)` that matched a topic when first seen: one record per (item, topic), by first
    /// seen, then item, then topic (as `SQLiteStore.matchedItems`).
    public func matchedItems(firstSeenFrom from: Date, to: Date) async throws -> [MatchedItemRecord] {
        let rows = try await self.rows(
            """
            SELECT i.matches, s.key, f.key, f.name, f.url, i.title, i.link, i.summary, i.published, i.undated,
                i.first_seen, i.story_id
            FROM items i JOIN stories s ON s.id = i.story_id JOIN feeds f ON f.id = i.feed_id
            WHERE i.first_seen >= \(from.storeSeconds) AND i.first_seen < \(to.storeSeconds) AND i.matches IS NOT NULL
            ORDER BY i.first_seen, i.id
            """, "read matched items")
        var records: [MatchedItemRecord] = []
        for row in rows {
            let (
                matches, story, feedKey, feedName, feedURL, title, link, summary, published, undated, firstSeen,
                storyRowID
            ) = try row.decode(
                (String, String, String, String, String?, String?, String?, String?, Int64, Bool, Int64, Int64).self)
            for match in StoredMatch.decode(matches) {
                records.append(
                    MatchedItemRecord(
                        topic: match.topic, terms: match.terms, fields: match.fields, story: story,
                        storyRowID: storyRowID, feedKey: feedKey, feedName: feedName, feedURL: feedURL, title: title,
                        link: link, summary: summary,
                        published: Date(storeSeconds: published), undated: undated,
                        firstSeen: Date(storeSeconds: firstSeen)))
            }
        }
        return records
    }

    /// Every stored item of each given story (by story row id), by first seen (as `SQLiteStore.storySources`).
    public func storySources(storyRowIDs: [Int64]) async throws -> [Int64: [StorySource]] {
        let ids = Array(Set(storyRowIDs))
        guard !ids.isEmpty else { return [:] }
        let rows = try await self.rows(
            """
            SELECT i.story_id, f.key, f.name, f.url, i.title, i.link, i.published, i.first_seen
            FROM items i JOIN feeds f ON f.id = i.feed_id
            WHERE i.story_id = ANY(\(ids))
            ORDER BY i.first_seen, i.id
            """, "read story sources")
        var result: [Int64: [StorySource]] = [:]
        for row in rows {
            let (story, feedKey, feedName, feedURL, title, link, published, firstSeen) = try row.decode(
                (Int64, String, String, String?, String?, String?, Int64, Int64).self)
            result[story, default: []].append(
                StorySource(
                    feedKey: feedKey, feedName: feedName, feedURL: feedURL, title: title, link: link,
                    published: Date(storeSeconds: published), firstSeen: Date(storeSeconds: firstSeen)))
        }
        return result
    }

    /// Alerts detected in `[from, to)`, oldest first, with their kind and extras.
    public func alerts(detectedFrom from: Date, to: Date) async throws -> [Alert] {
        let rows = try await self.rows(
            """
            SELECT \(unescaped: Self.alertColumns) FROM alerts a
            WHERE a.detected >= \(from.storeSeconds) AND a.detected < \(to.storeSeconds) ORDER BY a.seq
            """, "read alerts")
        return try rows.map { try Self.alert($0.makeRandomAccess()) }
    }

    /// Detected − published, in seconds, of every dated item first seen in `[from, to)` published at most `backfill`
    /// before it, by feed key, each feed's ascending; negative delays count as 0 (as `SQLiteStore.detectionDelays`).
    public func detectionDelays(firstSeenFrom from: Date, to: Date, backfill: TimeInterval) async throws
        -> [String: [TimeInterval]]
    {
        let rows = try await self.rows(
            """
            SELECT f.key, greatest(0, i.first_seen - i.published) AS delay
            FROM items i JOIN feeds f ON f.id = i.feed_id
            WHERE i.first_seen >= \(from.storeSeconds) AND i.first_seen < \(to.storeSeconds) AND NOT i.undated
                AND i.first_seen - i.published <= \(Int64(backfill.rounded(.down)))
            ORDER BY f.key, delay
            """, "read detection delays")
        var delays: [String: [TimeInterval]] = [:]
        for row in rows {
            let (key, delay) = try row.decode((String, Int64).self)
            delays[key, default: []].append(TimeInterval(delay))
        }
        return delays
    }
}
