import GRDB
import NewswatchCore

extension SQLiteStore {
    /// Schema v3 (`v3-redact-stored-urls`): takes every credential out of a file written before CONTRACT §4 said
    /// that nothing stored carries one.
    ///
    /// - `feeds.key` loses its user-info and `feeds.url` is redacted (`https://***@host/…`). Rows whose keys become
    ///   equal (a feed whose password changed, or that was listed with and without credentials) are one feed: the
    ///   active one (else the most recently fetched) keeps its row and takes the others' items and fetch events, so
    ///   no item becomes new again.
    /// - `alerts.feed_url` is redacted.
    /// - `deliveries.last_error` keeps only scheme and host of every URL in it: a failing webhook's error used to
    ///   quote its whole URL, whose path or query is often the token.
    ///
    /// `secure_delete` is on while this runs, so SQLite zeroes the old cell contents instead of leaving them in
    /// free space of the file.
    static func redactStoredURLs(_ db: Database) throws {
        let previous = try Int.fetchOne(db, sql: "PRAGMA secure_delete") ?? 0
        try db.execute(sql: "PRAGMA secure_delete = ON")
        defer { try? db.execute(sql: "PRAGMA secure_delete = \(previous)") }

        try mergeFeedsByRedactedKey(db)
        let feeds = try Row.fetchAll(db, sql: "SELECT id, url FROM feeds WHERE url LIKE '%@%'")
        for row in feeds {
            let url: String = row["url"]
            let redacted = URLRedaction.redact(url)
            if redacted != url {
                try db.execute(sql: "UPDATE feeds SET url = ? WHERE id = ?", arguments: [redacted, row["id"] as Int64])
            }
        }
        let alerts = try Row.fetchAll(db, sql: "SELECT seq, feed_url FROM alerts WHERE feed_url LIKE '%@%'")
        for row in alerts {
            let url: String = row["feed_url"]
            let redacted = URLRedaction.redact(url)
            if redacted != url {
                try db.execute(
                    sql: "UPDATE alerts SET feed_url = ? WHERE seq = ?", arguments: [redacted, row["seq"] as Int64])
            }
        }
        let failures = try Row.fetchAll(
            db, sql: "SELECT alert_seq, sink, last_error FROM deliveries WHERE last_error LIKE '%://%'")
        for row in failures {
            let text: String = row["last_error"]
            let scrubbed = URLRedaction.scrubbingURLs(in: text)
            if scrubbed != text {
                try db.execute(
                    sql: "UPDATE deliveries SET last_error = ? WHERE alert_seq = ? AND sink = ?",
                    arguments: [scrubbed, row["alert_seq"] as Int64, row["sink"] as String])
            }
        }
    }

    /// Gives every feed its key without user-info, merging the rows that then share a key.
    private static func mergeFeedsByRedactedKey(_ db: Database) throws {
        let rows = try Row.fetchAll(db, sql: "SELECT id, key, active, last_fetch FROM feeds ORDER BY id")
        var groups: [String: [Row]] = [:]
        var changed: Set<String> = []
        for row in rows {
            let key: String = row["key"]
            let redacted = URLRedaction.removingUserInfo(key)
            groups[redacted, default: []].append(row)
            if redacted != key { changed.insert(redacted) }
        }
        for key in changed.sorted() {
            guard let group = groups[key] else { continue }
            let keeper = group.max { a, b in
                let ka = ((a["active"] as Int?) ?? 0, (a["last_fetch"] as Int64?) ?? .min, a["id"] as Int64)
                let kb = ((b["active"] as Int?) ?? 0, (b["last_fetch"] as Int64?) ?? .min, b["id"] as Int64)
                return ka < kb
            }
            guard let keeper else { continue }
            let keeperID: Int64 = keeper["id"]
            for row in group where (row["id"] as Int64) != keeperID {
                let id: Int64 = row["id"]
                try db.execute(sql: "UPDATE items SET feed_id = ? WHERE feed_id = ?", arguments: [keeperID, id])
                try db.execute(sql: "UPDATE fetch_events SET feed_id = ? WHERE feed_id = ?", arguments: [keeperID, id])
                try db.execute(sql: "DELETE FROM feeds WHERE id = ?", arguments: [id])
            }
            try db.execute(sql: "UPDATE feeds SET key = ? WHERE id = ?", arguments: [key, keeperID])
        }
    }
}
