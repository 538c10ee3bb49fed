import Foundation
import GRDB
import NewswatchCore

extension SQLiteStore {
    /// `v4-events-kinds`: alert kinds (CONTRACT §10) and the facts that make each extra alert happen once:
    /// `escalations` (one row per story, topic and threshold, written with the update alert), `spikes` (one row
    /// per spike alert; a topic spikes at most once in 6 h), and operator events with their own outbox.
    static func addAlertKinds(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE alerts ADD COLUMN kind TEXT NOT NULL DEFAULT 'new';
                ALTER TABLE alerts ADD COLUMN previous_sources INTEGER;
                ALTER TABLE alerts ADD COLUMN items_last_hour INTEGER;
                ALTER TABLE alerts ADD COLUMN baseline REAL;
                CREATE INDEX alerts_story_topic ON alerts(story_key, topic);
                CREATE TABLE escalations (
                    story_key TEXT NOT NULL,
                    topic TEXT NOT NULL,
                    threshold INTEGER NOT NULL,
                    alert_id TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    PRIMARY KEY (story_key, topic, threshold)
                ) WITHOUT ROWID;
                CREATE TABLE spikes (
                    topic TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    alert_id TEXT NOT NULL UNIQUE,
                    PRIMARY KEY (topic, at)
                ) WITHOUT ROWID;
                CREATE TABLE incidents (
                    subject TEXT PRIMARY KEY,
                    since INTEGER NOT NULL,
                    error TEXT
                ) WITHOUT ROWID;
                CREATE TABLE operator_events (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    event_id TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL,
                    feed TEXT NOT NULL,
                    url TEXT,
                    since INTEGER NOT NULL,
                    error TEXT,
                    at INTEGER NOT NULL
                );
                CREATE TABLE event_deliveries (
                    event_seq INTEGER NOT NULL REFERENCES operator_events(seq) ON DELETE CASCADE,
                    sink TEXT NOT NULL,
                    state INTEGER NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt INTEGER,
                    last_error TEXT,
                    finished INTEGER,
                    PRIMARY KEY (event_seq, sink)
                ) WITHOUT ROWID;
                """)
    }

    /// Inserts an `update` or `spike` alert and its delivery rows to every route that wants its topic, unless an
    /// alert with its id exists; the non-file rows carry the topic's batch or quiet-hours timing as a new alert's
    /// do. Returns whether it was inserted.
    static func insertKindAlert(_ db: Database, _ alert: Alert, topic: TopicDefinition, sinks: [SinkRoute]) throws
        -> Bool
    {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO alerts(alert_id, story_key, topic, topic_name, priority, title, link, feed,
                    feed_url, published, detected, terms, summary, sources, kind, previous_sources, items_last_hour,
                    baseline)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                alert.id, alert.story, alert.topic, alert.topicName, alert.priority.rawValue, alert.title, alert.link,
                alert.feed, alert.feedURL, alert.published?.storeSeconds, alert.detected.storeSeconds,
                JSONValue.array(alert.terms.map { .string($0) }).compact, alert.summary, alert.sources,
                alert.kind.rawValue, alert.extra.previousSources, alert.extra.itemsLastHour, alert.extra.baseline,
            ])
        guard db.changesCount > 0 else { return false }
        let seq = db.lastInsertedRowID
        let release = topic.delivery.release(at: alert.detected, priority: topic.priority)
        for sink in sinks where sink.wants(topic: alert.topic) {
            let timed = sink.id == SinkRoute.fileSinkID ? nil : release
            try db.execute(
                sql:
                    "INSERT OR IGNORE INTO deliveries(alert_seq, sink, state, attempts, next_attempt, not_before, "
                    + "period_start, hold) VALUES (?, ?, ?, 0, ?, ?, ?, ?)",
                arguments: [
                    seq, sink.id, deliveryPending, alert.detected.storeSeconds, timed?.notBefore.storeSeconds,
                    timed?.periodStart.storeSeconds, timed?.hold.rawValue,
                ])
        }
        return true
    }
}
