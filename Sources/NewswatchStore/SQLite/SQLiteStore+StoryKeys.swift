import GRDB

extension SQLiteStore {
    /// `v5-story-keys`: `stories` without the `UNIQUE` index on its key, and `story_keys`, the keys of alerted
    /// stories. Every new story inserted a random 32-hex-digit key into that index; with one commit per feed almost
    /// every entry dirtied a page of its own, the largest single cost of the writer (BENCHMARKS.md, session 7/8).
    /// Look-ups by key (feedback, escalation, their retention) now go through `story_keys`, the digest's by row id;
    /// a story's key is checked against `story_keys` when it first alerts (``IngestTransaction/alertKey(ofStory:)``).
    ///
    /// `id` is kept, so `items.story_id` and `story_topics.story_id` stay valid (GRDB migrates with foreign keys
    /// off and checks them before the commit). `story_keys` is filled from every story an alert, an escalation or a
    /// `story_topics` row names.
    static func dropStoryKeyIndex(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE stories_v5 (
                    id INTEGER PRIMARY KEY,
                    key TEXT NOT NULL,
                    first_seen INTEGER NOT NULL
                );
                INSERT INTO stories_v5(id, key, first_seen) SELECT id, key, first_seen FROM stories ORDER BY id;
                DROP TABLE stories;
                ALTER TABLE stories_v5 RENAME TO stories;
                CREATE TABLE story_keys (
                    key TEXT PRIMARY KEY,
                    story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE
                ) WITHOUT ROWID;
                CREATE INDEX story_keys_story ON story_keys(story_id);
                INSERT OR IGNORE INTO story_keys(key, story_id)
                    SELECT s.key, s.id FROM stories s
                    WHERE s.key IN (SELECT story_key FROM alerts UNION SELECT story_key FROM escalations)
                        OR s.id IN (SELECT story_id FROM story_topics)
                    ORDER BY s.id;
                """)
    }
}
