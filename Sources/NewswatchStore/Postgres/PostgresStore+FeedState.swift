import Foundation
import PostgresNIO

extension PostgresStore {
    /// Makes the configured feed set known: inserts or renames each feed, marks every other feed inactive (as
    /// `SQLiteStore.syncFeeds`).
    public func syncFeeds(_ feeds: [FeedDescriptor], at time: Date) async throws {
        try await transaction("sync feeds") { c -> Void in
            for f in feeds {
                try await c.query(
                    """
                    INSERT INTO feeds(key, name, url, host)
                    VALUES (\(f.key), \(f.name), \(f.url), \(Self.host(ofKey: f.key)))
                    ON CONFLICT (key) DO UPDATE SET name = excluded.name, url = excluded.url, host = excluded.host,
                        active = true, inactive_since = NULL
                    """, logger: logger)
            }
            let keys = feeds.map(\.key)
            try await c.query(
                """
                UPDATE feeds SET active = false, inactive_since = \(time.storeSeconds)
                WHERE active AND NOT (key = ANY(\(keys)))
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

    /// Records a fetch that brought nothing new to parse (as `SQLiteStore.recordNoChange`).
    @discardableResult
    public func recordNoChange(_ record: NoChangeRecord) async throws -> FeedState {
        try await transaction("record no change") { c -> FeedState in
            let t = record.at.storeSeconds
            let s = record.schedule
            let v = record.validators
            let id = try await Self.ensureFeed(c, key: record.key, logger: logger)
            try await c.query(
                """
                UPDATE feeds SET last_fetch = \(t), last_success = \(t), http_status = \(record.httpStatus),
                    error_kind = NULL, error = NULL, consecutive_failures = 0,
                    etag = CASE WHEN \(v != nil) THEN \(v?.etag) ELSE etag END,
                    last_modified = CASE WHEN \(v != nil) THEN \(v?.lastModified) ELSE last_modified END,
                    next_due = CASE WHEN \(s != nil) THEN \(s?.nextDue?.storeSecondsRoundedUp) ELSE next_due END,
                    retry_after = CASE WHEN \(s != nil) THEN \(s?.retryAfter?.storeSeconds) ELSE retry_after END,
                    ttl_floor = CASE WHEN \(s != nil) THEN \(s?.ttlFloor) ELSE ttl_floor END,
                    max_age_floor = CASE WHEN \(s != nil) THEN \(s?.maxAgeFloor) ELSE max_age_floor END
                WHERE id = \(id)
                """, logger: logger)
            return try await Self.existingFeedState(c, id: id, logger: logger)
        }
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
