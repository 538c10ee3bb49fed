import Foundation
import NewswatchCore
import PostgresNIO

extension PostgresIngest {
    /// Writes the batch's new stories and items (multi-row statements), then makes its alert checks in item order,
    /// as `IngestTransaction` does one item at a time: each check counts the story's sources with every new item
    /// written (the same count: a batch's items are all of one feed).
    mutating func flush() async throws {
        try await insertStories()
        for chunk in newItemRows.chunked(1000) { try await insertItems(chunk) }
        newItemRows = []
        let checks = alertChecks
        alertChecks = []
        for check in checks {
            try await considerAlert(
                storyID: check.storyID, match: check.match, item: check.item, published: check.published)
        }
    }

    /// Inserts the new stories with their reserved ids; a key already taken (the same item came back after
    /// retention forgot it while its old story lives on, or twice in one batch) is salted as SQLite does.
    mutating func insertStories() async throws {
        var taken: [(id: Int64, key: String)] = []
        for chunk in newStoryRows.chunked(5000) {
            let ids = chunk.map(\.id)
            let rows = try await self.rows(
                """
                INSERT INTO stories(id, key, first_seen) OVERRIDING SYSTEM VALUE
                SELECT id, key, \(now) FROM unnest(\(ids), \(chunk.map(\.key))) AS s(id, key) ORDER BY id
                ON CONFLICT (key) DO NOTHING RETURNING id
                """)
            let inserted = Set(try rows.map { try $0.decode(Int64.self) })
            taken += chunk.filter { !inserted.contains($0.id) }
        }
        newStoryRows = []
        for (id, original) in taken {
            var key = original
            var salt = 0
            var made = false
            while !made {
                salt += 1
                key = ContentHash.hex(fields: ["story", key, String(now), String(salt)])
                made = try await !self.rows(
                    """
                    INSERT INTO stories(id, key, first_seen) OVERRIDING SYSTEM VALUE VALUES (\(id), \(key), \(now))
                    ON CONFLICT (key) DO NOTHING RETURNING id
                    """
                ).isEmpty
            }
            storyKeys[id] = key
        }
    }

    /// One multi-row `INSERT` of new items (17 parameters a row).
    func insertItems(_ rows: ArraySlice<NewItemRow>) async throws {
        guard !rows.isEmpty else { return }
        var sql = PostgresQuery.StringInterpolation(
            literalCapacity: 64 * rows.count, interpolationCount: 17 * rows.count)
        sql.appendLiteral(
            """
            INSERT INTO items(id, feed_id, story_id, guid, link, norm_link, content_key, revision, title, summary,
                published, undated, updated, first_seen, last_seen, matches, held_back, match_text)
            OVERRIDING SYSTEM VALUE VALUES
            """)
        for (n, row) in rows.enumerated() {
            let e = row.incoming
            let item = e.item
            sql.appendLiteral(n == 0 ? " (" : ", (")
            sql.appendInterpolation(row.id)
            sql.appendLiteral(", ")
            sql.appendInterpolation(feedID)
            sql.appendLiteral(", ")
            sql.appendInterpolation(row.storyID)
            sql.appendLiteral(", ")
            sql.appendInterpolation(row.guid)
            sql.appendLiteral(", ")
            sql.appendInterpolation(item.link)
            sql.appendLiteral(", ")
            sql.appendInterpolation(e.normLink)
            sql.appendLiteral(", ")
            sql.appendInterpolation(e.contentKey)
            sql.appendLiteral(", ")
            sql.appendInterpolation(e.revision)
            sql.appendLiteral(", ")
            sql.appendInterpolation(item.title)
            sql.appendLiteral(", ")
            sql.appendInterpolation(e.storedSummary)
            sql.appendLiteral(", ")
            sql.appendInterpolation(e.published)
            sql.appendLiteral(", ")
            sql.appendInterpolation(e.undated)
            sql.appendLiteral(", ")
            sql.appendInterpolation(item.updated?.storeSeconds)
            sql.appendLiteral(", ")
            sql.appendInterpolation(now)
            sql.appendLiteral(", ")
            sql.appendInterpolation(now)
            sql.appendLiteral(", ")
            sql.appendInterpolation(e.matchesText)
            sql.appendLiteral(", ")
            sql.appendInterpolation(row.heldBack)
            sql.appendLiteral(", ")
            sql.appendInterpolation(e.matchText)
            sql.appendLiteral(")")
        }
        try await self.execute(PostgresQuery(stringInterpolation: sql))
    }
}
