import Foundation
import PostgresNIO

extension PostgresStore {
    /// Failed fetches recorded in `[from, to)`, ordered by time (as `SQLiteStore.fetchFailures`).
    public func fetchFailures(from: Date, to: Date) async throws -> [FetchEventRecord] {
        let rows = try await self.rows(
            """
            SELECT f.key, f.name, f.url, e.at, e.kind, e.message, e.http_status
            FROM fetch_events e JOIN feeds f ON f.id = e.feed_id
            WHERE e.at >= \(from.storeSeconds) AND e.at < \(to.storeSeconds) ORDER BY e.at, e.id
            """, "read fetch failures")
        return try rows.map { row in
            let (key, name, url, at, kind, message, status) = try row.decode(
                (String, String, String?, Int64, String, String, Int?).self)
            return FetchEventRecord(
                feedKey: key, feedName: name, feedURL: url, at: Date(storeSeconds: at), kind: kind, message: message,
                httpStatus: status)
        }
    }

    /// Number of stored items per feed key (every feed, inactive ones included).
    public func itemCounts() async throws -> [String: Int] {
        // One scan of `items`, not one per feed (its `feed_id` indexes are partial): see SQLite's `itemCountsSQL`.
        let rows = try await self.rows(PostgresQuery(unsafeSQL: SQLiteStore.itemCountsSQL), "read item counts")
        var counts: [String: Int] = [:]
        for row in rows {
            let (key, count) = try row.decode((String, Int).self)
            counts[key] = count
        }
        return counts
    }

    /// Totals for `status`: active feeds, failing active feeds, items, alerts detected since `alertsSince`.
    public func totals(alertsSince: Date) async throws -> StoreTotals {
        let rows = try await self.rows(
            """
            SELECT (SELECT count(*) FROM feeds WHERE active),
                (SELECT count(*) FROM feeds WHERE active AND error IS NOT NULL),
                (SELECT count(*) FROM items),
                (SELECT count(*) FROM alerts WHERE detected >= \(alertsSince.storeSeconds))
            """, "read totals")
        guard let row = rows.first else { throw StoreError(.database, "totals: no row", path: location.redacted) }
        let (feeds, failing, items, alerts) = try row.decode((Int, Int, Int, Int).self)
        return StoreTotals(feeds: feeds, failing: failing, items: items, alertsSince: alerts)
    }
}
