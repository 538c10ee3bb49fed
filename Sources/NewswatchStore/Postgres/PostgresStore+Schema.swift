import Foundation
import PostgresNIO

extension PostgresStore {
    /// One schema step: a name recorded in `schema_migrations` and its statements, run in one transaction.
    struct Migration: Sendable {
        var name: String
        var statements: [String]
    }

    /// The schema migrations, in order. Never edit a shipped one; add a new one (names: `pgN-what`).
    ///
    /// `pg1-initial` is SQLite's schema as of its `v3-feed-warning` (the same columns and meanings, times as whole
    /// seconds), plus what makes several daemons safe: the feed lease (`lease_owner`, `lease_until`), the delivery
    /// claim (`claim_owner`, `claim_until`) and a unique (story, topic) on `alerts`, so a second daemon's copy of a
    /// story cannot alert again.
    static let migrations: [Migration] = [
        Migration(
            name: "pg1-initial",
            statements: [
                """
                CREATE TABLE feeds (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    key text NOT NULL UNIQUE,
                    name text NOT NULL,
                    url text,
                    active boolean NOT NULL DEFAULT true,
                    inactive_since bigint,
                    etag text,
                    last_modified text,
                    body_hash text,
                    last_fetch bigint,
                    last_success bigint,
                    first_success bigint,
                    last_ingest bigint,
                    last_new_item bigint,
                    http_status integer,
                    error_kind text,
                    error text,
                    consecutive_failures integer NOT NULL DEFAULT 0,
                    next_due bigint,
                    retry_after bigint,
                    ttl_floor double precision,
                    max_age_floor double precision,
                    guids_unreliable boolean NOT NULL DEFAULT false,
                    warning text,
                    lease_owner text,
                    lease_until bigint
                )
                """,
                "CREATE INDEX feeds_due ON feeds(next_due) WHERE active",
                """
                CREATE TABLE stories (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    key text NOT NULL UNIQUE,
                    first_seen bigint NOT NULL
                )
                """,
                """
                CREATE TABLE items (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    feed_id bigint NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
                    story_id bigint NOT NULL REFERENCES stories(id),
                    guid text,
                    link text,
                    norm_link text,
                    content_key text,
                    revision text NOT NULL,
                    title text,
                    summary text,
                    published bigint NOT NULL,
                    undated boolean NOT NULL,
                    updated bigint,
                    first_seen bigint NOT NULL,
                    last_seen bigint NOT NULL,
                    matches text,
                    held_back boolean NOT NULL DEFAULT false,
                    match_text text
                )
                """,
                "CREATE INDEX items_feed_guid ON items(feed_id, guid) WHERE guid IS NOT NULL",
                "CREATE INDEX items_norm_link ON items(norm_link) WHERE norm_link IS NOT NULL",
                "CREATE INDEX items_feed_content ON items(feed_id, content_key) WHERE content_key IS NOT NULL",
                "CREATE INDEX items_story ON items(story_id)",
                "CREATE INDEX items_first_seen ON items(first_seen)",
                """
                CREATE TABLE item_rematches (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    item_id bigint NOT NULL REFERENCES items(id) ON DELETE CASCADE,
                    matched_at bigint NOT NULL,
                    matches text NOT NULL
                )
                """,
                "CREATE INDEX item_rematches_item ON item_rematches(item_id)",
                """
                CREATE TABLE story_topics (
                    story_id bigint NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
                    topic text NOT NULL,
                    state integer NOT NULL,
                    PRIMARY KEY (story_id, topic)
                )
                """,
                """
                CREATE TABLE alerts (
                    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    alert_id text NOT NULL UNIQUE,
                    story_key text NOT NULL,
                    topic text NOT NULL,
                    topic_name text NOT NULL,
                    priority text NOT NULL,
                    title text,
                    link text,
                    feed text NOT NULL,
                    feed_url text,
                    published bigint,
                    detected bigint NOT NULL,
                    terms text NOT NULL,
                    summary text,
                    sources integer NOT NULL,
                    UNIQUE (story_key, topic)
                )
                """,
                "CREATE INDEX alerts_detected ON alerts(detected)",
                """
                CREATE TABLE deliveries (
                    alert_seq bigint NOT NULL REFERENCES alerts(seq) ON DELETE CASCADE,
                    sink text NOT NULL,
                    state integer NOT NULL,
                    attempts integer NOT NULL DEFAULT 0,
                    next_attempt bigint,
                    last_error text,
                    finished bigint,
                    claim_owner text,
                    claim_until bigint,
                    PRIMARY KEY (alert_seq, sink)
                )
                """,
                "CREATE INDEX deliveries_sink_state ON deliveries(sink, state, alert_seq)",
                """
                CREATE TABLE fetch_events (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    feed_id bigint NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
                    at bigint NOT NULL,
                    kind text NOT NULL,
                    message text NOT NULL,
                    http_status integer
                )
                """,
                "CREATE INDEX fetch_events_at ON fetch_events(at)",
                "CREATE INDEX fetch_events_feed ON fetch_events(feed_id)",
                """
                CREATE TABLE verdicts (
                    alert_id text PRIMARY KEY REFERENCES alerts(alert_id) ON DELETE CASCADE,
                    relevant boolean NOT NULL,
                    note text,
                    at bigint NOT NULL
                )
                """,
            ]),
        Migration(name: "pg2-delivery-kinds-events", statements: deliveryKindsEvents),
        Migration(name: "pg3-shared-daemons", statements: sharedDaemons),
        Migration(name: "pg3-shared-hosts", statements: sharedHosts),
        Migration(name: "pg4-pg-speed-claim-index", statements: claimIndexes),
        Migration(name: "pg4-shared-sinks-admissions", statements: sinkAdmissions),
        Migration(name: "pg5-shared-summary-holds", statements: sinkHolds),
    ]

    /// `pg2-delivery-kinds-events`: SQLite's `v4-delivery-not-before` and `v4-events-kinds` (delivery timing, alert
    /// kinds, escalations, spikes, incidents, operator events and their outbox). An `update` or `spike` alert shares
    /// its (story, topic) with the story's first alert, so the exactly-once key becomes a partial unique index on
    /// `new` alerts; event deliveries get a claim like alert deliveries, so one daemon sends each.
    static let deliveryKindsEvents = [
        "ALTER TABLE alerts DROP CONSTRAINT alerts_story_key_topic_key",
        """
        ALTER TABLE alerts ADD COLUMN kind text NOT NULL DEFAULT 'new', ADD COLUMN previous_sources integer,
            ADD COLUMN items_last_hour integer, ADD COLUMN baseline double precision
        """,
        "CREATE UNIQUE INDEX alerts_new_story_topic ON alerts(story_key, topic) WHERE kind = 'new'",
        "CREATE INDEX alerts_story_topic ON alerts(story_key, topic)",
        "ALTER TABLE deliveries ADD COLUMN not_before bigint, ADD COLUMN period_start bigint, ADD COLUMN hold text",
        "CREATE INDEX deliveries_timed ON deliveries(sink, state, not_before) WHERE not_before IS NOT NULL",
        """
        CREATE TABLE escalations (
            story_key text NOT NULL,
            topic text NOT NULL,
            threshold integer NOT NULL,
            alert_id text NOT NULL,
            at bigint NOT NULL,
            PRIMARY KEY (story_key, topic, threshold)
        )
        """,
        """
        CREATE TABLE spikes (
            topic text NOT NULL,
            at bigint NOT NULL,
            alert_id text NOT NULL UNIQUE,
            PRIMARY KEY (topic, at)
        )
        """,
        """
        CREATE TABLE incidents (
            subject text PRIMARY KEY,
            since bigint NOT NULL,
            error text
        )
        """,
        """
        CREATE TABLE operator_events (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            event_id text NOT NULL UNIQUE,
            kind text NOT NULL,
            feed text NOT NULL,
            url text,
            since bigint NOT NULL,
            error text,
            at bigint NOT NULL
        )
        """,
        """
        CREATE TABLE event_deliveries (
            event_seq bigint NOT NULL REFERENCES operator_events(seq) ON DELETE CASCADE,
            sink text NOT NULL,
            state integer NOT NULL,
            attempts integer NOT NULL DEFAULT 0,
            next_attempt bigint,
            last_error text,
            finished bigint,
            claim_owner text,
            claim_until bigint,
            PRIMARY KEY (event_seq, sink)
        )
        """,
    ]

    /// The advisory lock key migrations hold, so daemons starting together migrate one after the other.
    static let migrationLock: Int64 = 0x6E65_7773_7761_7463  // "newswatc"

    /// Applies every migration not yet recorded, each in its own transaction, under the advisory lock; refuses a
    /// database that records a migration this build does not know (written by a newer newswatch).
    func migrate() async throws {
        try await transaction("create schema_migrations") { c -> Void in
            try await c.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
            try await c.query(
                "CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied bigint NOT NULL)",
                logger: logger)
        }
        for migration in Self.migrations {
            try await transaction("migration \(migration.name) failed") { c -> Void in
                try await c.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
                let done = try await c.rows(
                    "SELECT 1 FROM schema_migrations WHERE name = \(migration.name)", logger: logger)
                guard done.isEmpty else { return }
                for statement in migration.statements {
                    try await c.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                let now = Int64(Date().timeIntervalSince1970)
                try await c.query(
                    "INSERT INTO schema_migrations(name, applied) VALUES (\(migration.name), \(now))", logger: logger)
            }
        }
        let known = Set(Self.migrations.map(\.name))
        let applied = try await self.rows("SELECT name FROM schema_migrations", "read schema_migrations")
        let unknown = try applied.map { try $0.decode(String.self) }.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            throw StoreError(
                .schemaTooNew,
                "written by a newer newswatch (migrations \(unknown.sorted().joined(separator: ", "))); "
                    + "upgrade first", path: location.redacted)
        }
    }
}
