import GRDB

/// The `items` row a new item gets. The item `INSERT` was the serial writer's largest cost in a cold round (issue 18),
/// and GRDB's binding about half of it: it runs as a `DirectStatement`.
struct ItemInsert {
    /// One row's values, in the statement's column order.
    var feedID: Int64
    var storyID: Int64
    var guid: String?
    var link: String?
    var normLink: String?
    var contentKey: String?
    var revision: String
    var title: String?
    var summary: String?
    var published: Int64
    var undated: Bool
    var updated: Int64?
    var firstSeen: Int64
    var lastSeen: Int64
    var matches: String?
    var heldBack: Bool
    var matchText: String?

    static let sql = """
        INSERT INTO items(feed_id, story_id, guid, link, norm_link, content_key, revision, title, summary,
            published, undated, updated, first_seen, last_seen, matches, held_back, match_text)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// The same row through GRDB's general path: the reference `execute(in:)` is tested against.
    func executeThroughGRDB(in db: Database) throws {
        try db.cachedStatement(sql: Self.sql).execute(arguments: [
            feedID, storyID, guid, link, normLink, contentKey, revision, title, summary, published, undated, updated,
            firstSeen, lastSeen, matches, heldBack, matchText,
        ])
    }

    /// Inserts the row through SQLite's C API (`DirectStatement`); `db.lastInsertedRowID` is its id afterwards.
    func execute(in db: Database) throws {
        try DirectStatement(db, sql: Self.sql).run { s in
            try s.bind(feedID, at: 1)
            try s.bind(storyID, at: 2)
            try s.bind(published, at: 10)
            try s.bind(undated, at: 11)
            try s.bind(updated, at: 12)
            try s.bind(firstSeen, at: 13)
            try s.bind(lastSeen, at: 14)
            try s.bind(heldBack, at: 16)
            try s.withText(guid, at: 3) {
                try s.withText(link, at: 4) {
                    try s.withText(normLink, at: 5) {
                        try s.withText(contentKey, at: 6) {
                            try s.withText(revision, at: 7) {
                                try s.withText(title, at: 8) {
                                    try s.withText(summary, at: 9) {
                                        try s.withText(matches, at: 15) { try s.withText(matchText, at: 17, s.step) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
