import Foundation
import PostgresNIO

extension PostgresStore {
    /// Makes the configured feed set known: inserts or renames each feed, marks every other feed inactive (as
    /// `SQLiteStore.syncFeeds`). Three statements whatever the number of feeds (arrays, `unnest`), not one per feed:
    /// 20,000 feeds are 20,000 round trips otherwise, holding row locks other daemons' ingests wait on. A row that
    /// does not change is not written (no new row version, no lock held).
    public func syncFeeds(_ feeds: [FeedDescriptor], at time: Date) async throws {
        // One row per key, the last one listed winning (as one statement per feed in order would leave it); a
        // key twice in one `INSERT … ON CONFLICT` is an error.
        var position: [String: Int] = [:]
        var unique: [FeedDescriptor] = []
        for f in feeds {
            if let i = position[f.key] {
                unique[i] = f
            } else {
                position[f.key] = unique.count
                unique.append(f)
            }
        }
        let keys = unique.map(\.key)
        let names = unique.map(\.name)
        // Arrays of optionals do not encode: the value, and whether there is one.
        let urls = unique.map { $0.url ?? "" }
        let hasURL = unique.map { $0.url != nil }
        let hosts = unique.map { Self.host(ofKey: $0.key) ?? "" }
        let hasHost = unique.map { Self.host(ofKey: $0.key) != nil }
        try await transaction("sync feeds") { c -> Void in
            // New feeds first; `DO NOTHING` neither writes nor locks the rows that exist (`DO UPDATE … WHERE` would
            // lock every one of them, unchanged or not, until the commit: other daemons' ingests update them).
            try await c.query(
                """
                INSERT INTO feeds(key, name, url, host)
                SELECT k, n, CASE WHEN hu THEN u END, CASE WHEN hh THEN h END
                FROM unnest(\(keys)::text[], \(names)::text[], \(urls)::text[], \(hasURL)::bool[], \(hosts)::text[],
                    \(hasHost)::bool[]) AS input(k, n, u, hu, h, hh)
                ON CONFLICT (key) DO NOTHING
                """, logger: logger)
            // Then the rows that differ, and only those (an `UPDATE` locks only the rows its condition keeps).
            try await c.query(
                """
                UPDATE feeds SET name = i.n, url = i.u, host = i.h, active = true, inactive_since = NULL
                FROM (
                    SELECT k, n, CASE WHEN hu THEN u END AS u, CASE WHEN hh THEN h END AS h
                    FROM unnest(\(keys)::text[], \(names)::text[], \(urls)::text[], \(hasURL)::bool[],
                        \(hosts)::text[], \(hasHost)::bool[]) AS input(k, n, u, hu, h, hh)
                ) AS i
                WHERE feeds.key = i.k AND (feeds.name IS DISTINCT FROM i.n OR feeds.url IS DISTINCT FROM i.u
                    OR feeds.host IS DISTINCT FROM i.h OR NOT feeds.active OR feeds.inactive_since IS NOT NULL)
                """, logger: logger)
            try await c.query(
                """
                UPDATE feeds SET active = false, inactive_since = \(time.storeSeconds)
                WHERE active AND NOT EXISTS (SELECT 1 FROM unnest(\(keys)::text[]) AS k(key) WHERE k.key = feeds.key)
                """, logger: logger)
        }
    }

    /// The state of one feed, `nil` if the store has never heard of it.
    public func feedState(key: String) async throws -> FeedState? {
        let rows = try await self.rows(
            "SELECT \(unescaped: Self.feedColumns) FROM feeds WHERE key = \(key)",
            "read feed")
        return try rows.first.map(Self.feedState)
    }

    /// The state of every feed (active ones only unless `includeInactive`), ordered by key (byte order, as SQLite).
    public func feedStates(includeInactive: Bool) async throws -> [FeedState] {
        let filter = includeInactive ? "" : "WHERE active"
        let rows = try await self.rows(
            "SELECT \(unescaped: Self.feedColumns) FROM feeds \(unescaped: filter) ORDER BY key COLLATE \"C\"",
            "read feeds")
        return try rows.map(Self.feedState)
    }

    /// Records a fetch that brought nothing new to parse (as `SQLiteStore.recordNoChange`), and gives back
    /// `record.leaseOwner`'s lease in the same statement. One statement (one round trip, one commit) for a feed that
    /// has a row, which is every feed of an all-304 round; a feed never synced gets its row first.
    @discardableResult
    public func recordNoChange(_ record: NoChangeRecord) async throws -> FeedState {
        if let row = try await rows(Self.noChangeUpdate(record), "record no change").first {
            return try Self.feedState(row)
        }
        return try await transaction("record no change") { c -> FeedState in
            _ = try await Self.ensureFeed(c, key: record.key, logger: logger)
            guard let row = try await c.rows(Self.noChangeUpdate(record), logger: logger).first else {
                throw StoreError(.database, "feed row vanished: \(record.key)")
            }
            return try Self.feedState(row)
        }
    }

    /// The no-change `UPDATE` of the feed's row, returning its state after it (no row: the feed has none yet).
    ///
    /// Its commit does not wait for the WAL flush (`synchronous_commit` off for this transaction only): an all-304
    /// round is one such commit per feed, and the flushes were most of its wait. What a PostgreSQL crash could lose
    /// of it is harmless: the feed is polled again (another `304`) and the lease it gave back expires instead.
    /// Ingests, whose commits carry alerts, keep the flush.
    private static func noChangeUpdate(_ record: NoChangeRecord) -> PostgresQuery {
        let t = record.at.storeSeconds
        let s = record.schedule
        let v = record.validators
        let o = record.leaseOwner
        return """
            UPDATE feeds SET last_fetch = \(t), last_success = \(t), http_status = \(record.httpStatus),
                error_kind = NULL, error = NULL, consecutive_failures = 0,
                etag = CASE WHEN \(v != nil) THEN \(v?.etag) ELSE etag END,
                last_modified = CASE WHEN \(v != nil) THEN \(v?.lastModified) ELSE last_modified END,
                next_due = CASE WHEN \(s != nil) THEN \(s?.nextDue?.storeSecondsRoundedUp) ELSE next_due END,
                retry_after = CASE WHEN \(s != nil) THEN \(s?.retryAfter?.storeSeconds) ELSE retry_after END,
                ttl_floor = CASE WHEN \(s != nil) THEN \(s?.ttlFloor) ELSE ttl_floor END,
                max_age_floor = CASE WHEN \(s != nil) THEN \(s?.maxAgeFloor) ELSE max_age_floor END,
                lease_until = CASE WHEN lease_owner = \(o) THEN NULL ELSE lease_until END,
                lease_owner = CASE WHEN lease_owner = \(o) THEN NULL ELSE lease_owner END
            WHERE key = \(record.key) AND set_config('synchronous_commit', 'off', true) = 'off'
            RETURNING \(unescaped: feedColumns)
            """
    }

    /// Records a failed fetch and appends a fetch event (as `SQLiteStore.recordFailure`).
    @discardableResult
    public func recordFailure(_ failure: FeedFailure) async throws -> FeedState {
        try await transaction("record failure") { c -> FeedState in
            let t = failure.at.storeSeconds
            let id = try await Self.ensureFeed(c, key: failure.key, logger: logger)
            try await c.query(
                """
                UPDATE feeds SET last_fetch = \(t), http_status = \(failure.httpStatus), error_kind = \(failure.kind),
                    error = \(failure.message),
                    consecutive_failures = consecutive_failures + \(failure.charged ? 1 : 0),
                    retry_after = COALESCE(\(failure.retryAfter?.storeSeconds), retry_after)
                WHERE id = \(id)
                """, logger: logger)
            try await c.query(
                """
                INSERT INTO fetch_events(feed_id, at, kind, message, http_status)
                VALUES (\(id), \(t), \(failure.kind), \(failure.message), \(failure.httpStatus))
                """, logger: logger)
            return try await Self.existingFeedState(c, id: id, logger: logger)
        }
    }

    /// Stores the scheduler's decisions for a feed (a feed never heard of gets a row).
    public func setSchedule(key: String, _ schedule: FeedSchedule) async throws {
        try await transaction("set schedule") { c -> Void in
            let id = try await Self.ensureFeed(c, key: key, logger: logger)
            try await c.query(
                """
                UPDATE feeds SET next_due = \(schedule.nextDue?.storeSecondsRoundedUp),
                    retry_after = \(schedule.retryAfter?.storeSeconds), ttl_floor = \(schedule.ttlFloor),
                    max_age_floor = \(schedule.maxAgeFloor)
                WHERE id = \(id)
                """, logger: logger)
        }
    }

    /// The feed's row id, creating a row (named after its key) for a feed never synced or ingested. Read first (the
    /// all-304 round writes no extra row version); two daemons creating one feed at once both end with its one row.
    static func ensureFeed(_ c: PostgresConnection, key: String, logger: Logger) async throws -> Int64 {
        if let id = try await c.rows("SELECT id FROM feeds WHERE key = \(key)", logger: logger).first {
            return try id.decode(Int64.self)
        }
        let url: String? = key.hasPrefix("path:") ? nil : key
        let rows = try await c.rows(
            """
            INSERT INTO feeds(key, name, url, host) VALUES (\(key), \(key), \(url), \(host(ofKey: key)))
            ON CONFLICT (key) DO UPDATE SET key = excluded.key RETURNING id
            """, logger: logger)
        guard let id = try rows.first?.decode(Int64.self) else {
            throw StoreError(.database, "feed row vanished: \(key)")
        }
        return id
    }

    /// The state of a feed this transaction has just written.
    static func existingFeedState(_ c: PostgresConnection, id: Int64, logger: Logger) async throws -> FeedState {
        let rows = try await c.rows(
            "SELECT \(unescaped: feedColumns) FROM feeds WHERE id = \(id)",
            logger: logger)
        guard let row = rows.first else { throw StoreError(.database, "feed row vanished: \(id)") }
        return try feedState(row)
    }

    static let feedColumns = """
        key, name, url, active, etag, last_modified, body_hash, last_fetch, last_success, first_success,
        last_new_item, http_status, error_kind, error, consecutive_failures, next_due, retry_after, ttl_floor,
        max_age_floor, warning
        """

    /// A `feeds` row selected with `feedColumns`, decoded by column name.
    static func feedState(_ row: PostgresRow) throws -> FeedState {
        let r = row.makeRandomAccess()
        func date(_ column: String) throws -> Date? { try r[column].decode(Int64?.self).map(Date.init(storeSeconds:)) }
        return FeedState(
            key: try r["key"].decode(String.self), name: try r["name"].decode(String.self),
            url: try r["url"].decode(String?.self), active: try r["active"].decode(Bool.self),
            validators: HTTPValidators(
                etag: try r["etag"].decode(String?.self), lastModified: try r["last_modified"].decode(String?.self)),
            bodyHash: try r["body_hash"].decode(String?.self), lastFetch: try date("last_fetch"),
            lastSuccess: try date("last_success"), firstSuccess: try date("first_success"),
            lastNewItem: try date("last_new_item"), httpStatus: try r["http_status"].decode(Int?.self),
            errorKind: try r["error_kind"].decode(String?.self), error: try r["error"].decode(String?.self),
            consecutiveFailures: try r["consecutive_failures"].decode(Int.self),
            schedule: FeedSchedule(
                nextDue: try date("next_due"), retryAfter: try date("retry_after"),
                ttlFloor: try r["ttl_floor"].decode(Double?.self),
                maxAgeFloor: try r["max_age_floor"].decode(Double?.self)),
            warning: try r["warning"].decode(String?.self))
    }
}
