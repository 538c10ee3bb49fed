import Foundation
import GRDB

extension SQLiteStore {
    public func syncFeeds(_ feeds: [FeedDescriptor], at time: Date) throws {
        try write { db in
            let upsert = try db.cachedStatement(
                sql: """
                    INSERT INTO feeds(key, name, url) VALUES (?, ?, ?)
                    ON CONFLICT(key) DO UPDATE SET name = excluded.name, url = excluded.url, active = 1,
                        inactive_since = NULL
                    WHERE feeds.name IS NOT excluded.name OR feeds.url IS NOT excluded.url OR feeds.active = 0
                        OR feeds.inactive_since IS NOT NULL
                    """)
            for f in feeds { try upsert.execute(arguments: [f.key, f.name, f.url]) }
            let keys = Set(feeds.map(\.key))
            let active = try String.fetchAll(db, sql: "SELECT key FROM feeds WHERE active = 1")
            let deactivate = try db.cachedStatement(
                sql: "UPDATE feeds SET active = 0, inactive_since = ? WHERE key = ?")
            for key in active where !keys.contains(key) {
                try deactivate.execute(arguments: [time.storeSeconds, key])
            }
        }
    }

    public func feedState(key: String) throws -> FeedState? {
        try read { db in try Self.feedState(db, key: key) }
    }

    public func feedStates(includeInactive: Bool) throws -> [FeedState] {
        try read { db in
            // Decoded row by row: `fetchAll` first kept every row (each column boxed) beside the states made from
            // them, at the start of every round (issue 18).
            let rows = try Row.fetchCursor(
                db,
                sql: "SELECT \(Self.feedColumns) FROM feeds \(includeInactive ? "" : "WHERE active = 1") ORDER BY key")
            return try Array(rows.map(Self.feedState))
        }
    }

    @discardableResult
    public func recordNoChange(_ record: NoChangeRecord) throws -> FeedState {
        // The all-304 round is one of these per feed: one transaction, one UPDATE (the schedule included) and one
        // read of the result, all with cached statements.
        try write { db in
            let t = record.at.storeSeconds
            let update = try db.cachedStatement(
                sql: """
                    UPDATE feeds SET last_fetch = ?, last_success = ?, http_status = ?, error_kind = NULL, error = NULL,
                        consecutive_failures = 0,
                        etag = CASE WHEN ? THEN ? ELSE etag END,
                        last_modified = CASE WHEN ? THEN ? ELSE last_modified END,
                        next_due = CASE WHEN ? THEN ? ELSE next_due END,
                        retry_after = CASE WHEN ? THEN ? ELSE retry_after END,
                        ttl_floor = CASE WHEN ? THEN ? ELSE ttl_floor END,
                        max_age_floor = CASE WHEN ? THEN ? ELSE max_age_floor END
                    WHERE key = ?
                    """)
            let s = record.schedule
            let arguments: StatementArguments = [
                t, t, record.httpStatus, record.validators != nil, record.validators?.etag,
                record.validators != nil, record.validators?.lastModified, s != nil, s?.nextDue?.storeSecondsRoundedUp,
                s != nil, s?.retryAfter?.storeSeconds, s != nil, s?.ttlFloor, s != nil, s?.maxAgeFloor, record.key,
            ]
            try update.execute(arguments: arguments)
            if db.changesCount == 0 {
                try Self.ensureFeed(db, key: record.key)
                try update.execute(arguments: arguments)
            }
            return try Self.existingFeedState(db, key: record.key)
        }
    }

    /// The feed's state as the current transaction sees it, `nil` for an unknown feed.
    static func feedState(_ db: Database, key: String) throws -> FeedState? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(feedColumns) FROM feeds WHERE key = ?"), arguments: [key]
        ).map(feedState)
    }

    /// The state of a feed this transaction has just written.
    static func existingFeedState(_ db: Database, key: String) throws -> FeedState {
        guard let state = try feedState(db, key: key) else {
            throw StoreError(.database, "feed row vanished: \(key)")
        }
        return state
    }

    @discardableResult
    public func recordFailure(_ failure: FeedFailure) throws -> FeedState {
        try write { db in
            let t = failure.at.storeSeconds
            let feedID = try Self.ensureFeed(db, key: failure.key)
            try db.execute(
                sql: """
                    UPDATE feeds SET last_fetch = ?, http_status = ?, error_kind = ?, error = ?,
                        consecutive_failures = consecutive_failures + ?,
                        retry_after = COALESCE(?, retry_after)
                    WHERE id = ?
                    """,
                arguments: [
                    t, failure.httpStatus, failure.kind, failure.message, failure.charged ? 1 : 0,
                    failure.retryAfter?.storeSeconds, feedID,
                ])
            try db.execute(
                sql: "INSERT INTO fetch_events(feed_id, at, kind, message, http_status) VALUES (?, ?, ?, ?, ?)",
                arguments: [feedID, t, failure.kind, failure.message, failure.httpStatus])
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT \(Self.feedColumns) FROM feeds WHERE id = ?", arguments: [feedID])
            else { throw StoreError(.database, "feed row vanished: \(failure.key)") }
            return Self.feedState(row)
        }
    }

    public func setSchedule(key: String, _ schedule: FeedSchedule) throws {
        try write { db in
            try Self.ensureFeed(db, key: key)
            try db.cachedStatement(
                sql: "UPDATE feeds SET next_due = ?, retry_after = ?, ttl_floor = ?, max_age_floor = ? WHERE key = ?"
            ).execute(
                arguments: [
                    schedule.nextDue?.storeSecondsRoundedUp, schedule.retryAfter?.storeSeconds, schedule.ttlFloor,
                    schedule.maxAgeFloor, key,
                ])
        }
    }

    /// The feed's row id, creating a row (named after its key) for a feed never synced or ingested.
    @discardableResult
    static func ensureFeed(_ db: Database, key: String) throws -> Int64 {
        if let id = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM feeds WHERE key = ?"), arguments: [key])
        {
            return id
        }
        let url: String? = key.hasPrefix("path:") ? nil : key
        try db.execute(sql: "INSERT INTO feeds(key, name, url) VALUES (?, ?, ?)", arguments: [key, key, url])
        return db.lastInsertedRowID
    }

    static let feedColumns = """
        key, name, url, active, etag, last_modified, body_hash, last_fetch, last_success, first_success,
        last_new_item, http_status, error_kind, error, consecutive_failures, next_due, retry_after, ttl_floor,
        max_age_floor, warning
        """

    /// A `feeds` row selected with `feedColumns`, decoded by position (in `feedColumns`' order): GRDB's lookup by
    /// column name lowercases the names it compares, 7 % of an all-304 round's CPU samples (perf, issue 18).
    static func feedState(_ row: Row) -> FeedState {
        func date(_ index: Int) -> Date? { (row[index] as Int64?).map(Date.init(storeSeconds:)) }
        return FeedState(
            key: row[0], name: row[1], url: row[2], active: row[3],
            validators: HTTPValidators(etag: row[4], lastModified: row[5]), bodyHash: row[6], lastFetch: date(7),
            lastSuccess: date(8), firstSuccess: date(9), lastNewItem: date(10), httpStatus: row[11],
            errorKind: row[12], error: row[13], consecutiveFailures: row[14],
            schedule: FeedSchedule(nextDue: date(15), retryAfter: date(16), ttlFloor: row[17], maxAgeFloor: row[18]),
            warning: row[19])
    }
}
