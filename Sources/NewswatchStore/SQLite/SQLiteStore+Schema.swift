import GRDB
import NewswatchCore

extension SQLiteStore {
    /// Versioned schema migrations. Never edit a shipped migration; add a new one.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-initial") { db in
            try db.execute(
                sql: """
                    CREATE TABLE feeds (
                        id INTEGER PRIMARY KEY,
                        key TEXT NOT NULL UNIQUE,
                        name TEXT NOT NULL,
                        url TEXT,
                        active INTEGER NOT NULL DEFAULT 1,
                        inactive_since INTEGER,
                        etag TEXT,
                        last_modified TEXT,
                        body_hash TEXT,
                        last_fetch INTEGER,
                        last_success INTEGER,
                        first_success INTEGER,
                        last_ingest INTEGER,
                        last_new_item INTEGER,
                        http_status INTEGER,
                        error_kind TEXT,
                        error TEXT,
                        consecutive_failures INTEGER NOT NULL DEFAULT 0,
                        next_due INTEGER,
                        retry_after INTEGER,
                        ttl_floor REAL,
                        max_age_floor REAL,
                        guids_unreliable INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE TABLE stories (
                        id INTEGER PRIMARY KEY,
                        key TEXT NOT NULL UNIQUE,
                        first_seen INTEGER NOT NULL
                    );
                    CREATE TABLE items (
                        id INTEGER PRIMARY KEY,
                        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
                        story_id INTEGER NOT NULL REFERENCES stories(id),
                        guid TEXT,
                        link TEXT,
                        norm_link TEXT,
                        content_key TEXT,
                        revision TEXT NOT NULL,
                        title TEXT,
                        summary TEXT,
                        published INTEGER NOT NULL,
                        undated INTEGER NOT NULL,
                        updated INTEGER,
                        first_seen INTEGER NOT NULL,
                        last_seen INTEGER NOT NULL
                    );
                    CREATE INDEX items_feed_guid ON items(feed_id, guid) WHERE guid IS NOT NULL;
                    CREATE INDEX items_norm_link ON items(norm_link) WHERE norm_link IS NOT NULL;
                    CREATE INDEX items_feed_content ON items(feed_id, content_key) WHERE content_key IS NOT NULL;
                    CREATE INDEX items_story ON items(story_id);
                    CREATE INDEX items_first_seen ON items(first_seen);
                    CREATE TABLE matches (
                        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
                        topic TEXT NOT NULL,
                        terms TEXT NOT NULL,
                        fields TEXT NOT NULL,
                        matched_at INTEGER NOT NULL,
                        at_first_seen INTEGER NOT NULL,
                        PRIMARY KEY (item_id, topic)
                    ) WITHOUT ROWID;
                    CREATE TABLE story_topics (
                        story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
                        topic TEXT NOT NULL,
                        state INTEGER NOT NULL,
                        PRIMARY KEY (story_id, topic)
                    ) WITHOUT ROWID;
                    CREATE TABLE alerts (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        alert_id TEXT NOT NULL UNIQUE,
                        story_key TEXT NOT NULL,
                        topic TEXT NOT NULL,
                        topic_name TEXT NOT NULL,
                        priority TEXT NOT NULL,
                        title TEXT,
                        link TEXT,
                        feed TEXT NOT NULL,
                        feed_url TEXT,
                        published INTEGER,
                        detected INTEGER NOT NULL,
                        terms TEXT NOT NULL,
                        summary TEXT,
                        sources INTEGER NOT NULL
                    );
                    CREATE INDEX alerts_detected ON alerts(detected);
                    CREATE TABLE deliveries (
                        alert_seq INTEGER NOT NULL REFERENCES alerts(seq) ON DELETE CASCADE,
                        sink TEXT NOT NULL,
                        state INTEGER NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt INTEGER,
                        last_error TEXT,
                        finished INTEGER,
                        PRIMARY KEY (alert_seq, sink)
                    ) WITHOUT ROWID;
                    CREATE INDEX deliveries_sink_state ON deliveries(sink, state, alert_seq);
                    CREATE TABLE fetch_events (
                        id INTEGER PRIMARY KEY,
                        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
                        at INTEGER NOT NULL,
                        kind TEXT NOT NULL,
                        message TEXT NOT NULL,
                        http_status INTEGER
                    );
                    CREATE INDEX fetch_events_at ON fetch_events(at);
                    CREATE INDEX fetch_events_feed ON fetch_events(feed_id);
                    """)
        }
        migrator.registerMigration("v2-item-matches") { db in
            // One column value per item instead of one `matches` row per (item, topic), and no `story_topics` row
            // per held-back match: with broad topic sets a cold start wrote ~22 rows of each per item. Matches from
            // later passes (an edited item matched again) go to `item_rematches`. A story's "suppressed" topics are
            // now derived from its held-back items' first-seen matches; `story_topics` keeps the alerted rows (and
            // the suppressed rows of files written before this migration, which stay honoured).
            try db.execute(
                sql: """
                    ALTER TABLE items ADD COLUMN matches TEXT;
                    ALTER TABLE items ADD COLUMN held_back INTEGER NOT NULL DEFAULT 0;
                    CREATE TABLE item_rematches (
                        id INTEGER PRIMARY KEY,
                        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
                        matched_at INTEGER NOT NULL,
                        matches TEXT NOT NULL
                    );
                    CREATE INDEX item_rematches_item ON item_rematches(item_id);
                    """)
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT item_id, at_first_seen, matched_at, topic, terms, fields FROM matches
                    ORDER BY item_id, at_first_seen DESC, matched_at, topic
                    """)
            var group: (item: Int64, firstSeen: Bool, at: Int64)?
            var pending: [StoredMatch] = []
            func flush() throws {
                guard let g = group, let text = StoredMatch.encode(pending) else { return }
                if g.firstSeen {
                    try db.execute(sql: "UPDATE items SET matches = ? WHERE id = ?", arguments: [text, g.item])
                } else {
                    try db.execute(
                        sql: "INSERT INTO item_rematches(item_id, matched_at, matches) VALUES (?, ?, ?)",
                        arguments: [g.item, g.at, text])
                }
            }
            while let row = try rows.next() {
                let key: (item: Int64, firstSeen: Bool, at: Int64) = (row[0], row[1], row[2])
                if let g = group, g.item != key.item || g.firstSeen != key.firstSeen || (!g.firstSeen && g.at != key.at)
                {
                    try flush()
                    pending = []
                }
                group = key
                pending.append(
                    StoredMatch(
                        topic: row[3], terms: decodeStrings(row[4]),
                        fields: decodeStrings(row[5]).compactMap(ItemField.init(rawValue:))))
            }
            try flush()
            try db.execute(sql: "DROP TABLE matches")
        }
        migrator.registerMigration("v3-tuning") { db in
            // `match_text`: the item text the matcher read that `title`/`summary` do not keep whole (the full
            // summary, the content, the categories), so `match --stored` re-matches what the daemon matched. NULL
            // for items stored before this migration. `verdicts`: a desk's judgement of an alert (`feedback`), one
            // per alert, gone with the alert.
            try db.execute(
                sql: """
                    ALTER TABLE items ADD COLUMN match_text TEXT;
                    CREATE TABLE verdicts (
                        alert_id TEXT PRIMARY KEY REFERENCES alerts(alert_id) ON DELETE CASCADE,
                        relevant INTEGER NOT NULL,
                        note TEXT,
                        at INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration(redactionMigration) { db in try redactStoredURLs(db) }
        migrator.registerMigration("v3-feed-warning") { db in
            // What the last ingest of a feed left out (`daemon.max_items`), for `status`; NULL when nothing was.
            try db.execute(sql: "ALTER TABLE feeds ADD COLUMN warning TEXT")
        }
        migrator.registerMigration("v4-delivery-not-before") { db in try addDeliveryTiming(db) }
        migrator.registerMigration("v4-events-kinds") { db in try addAlertKinds(db) }
        migrator.registerMigration("v5-story-keys") { db in try dropStoryKeyIndex(db) }
        migrator.registerMigration("v6-sink-holds") { db in try addSinkHolds(db) }
        return migrator
    }()

    /// The migration that takes credentials out of stored URLs (``redactStoredURLs(_:)``).
    static let redactionMigration = "v3-redact-stored-urls"

    /// `story_topics.state`: an alert exists for the (story, topic).
    static let storyTopicAlerted = 1
    /// `story_topics.state`: the story matched the topic only in items held back by the first-fetch backfill rule.
    /// Written only by schema v1; since v2 this state is derived from `items.held_back` and `items.matches`.
    static let storyTopicSuppressed = 2

    /// `deliveries.state` values.
    static let deliveryPending = 0
    static let deliveryDelivered = 1
    static let deliveryGivenUp = 2
}
