import Foundation
import GRDB
import NewswatchCore

// One daemon per SQLite state (its `flock`): nothing is claimed. `max_per_hour` is counted in the store as on
// PostgreSQL, so that holds and their summaries outlast a reload or a restart.
extension SQLiteStore {
    public func unclaimedDeliveries(sink: String, dueAt now: Date?, limit: Int) throws -> [PendingDelivery] {
        try pendingDeliveries(sink: sink, dueAt: now, limit: limit)
    }

    public func claimForSending(alertIDs: [String], sink: String, at now: Date) throws -> Set<String> {
        guard !alertIDs.isEmpty else { return [] }
        return try read { db in
            let statement = try db.cachedStatement(
                sql: """
                    SELECT 1 FROM deliveries d JOIN alerts a ON a.seq = d.alert_seq
                    WHERE a.alert_id = ? AND d.sink = ? AND d.state = ?
                    """)
            return try Set(
                alertIDs.filter { id in
                    try Bool.fetchOne(statement, arguments: [id, sink, Self.deliveryPending]) != nil
                })
        }
    }

    /// `v6-sink-holds`: when a delivery was admitted under its sink's `max_per_hour` or held back, and the holds
    /// themselves, so that a hold, what it held and the summary owed for it outlast a reload or a restart (review 12:
    /// the limiter kept them in memory only, and a reload lost the summary and started the count afresh).
    static func addSinkHolds(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE deliveries ADD COLUMN admitted_at INTEGER;
                ALTER TABLE deliveries ADD COLUMN held_at INTEGER;
                CREATE INDEX deliveries_admitted ON deliveries(sink, admitted_at) WHERE admitted_at IS NOT NULL;
                CREATE INDEX deliveries_held ON deliveries(sink, held_at) WHERE held_at IS NOT NULL;
                CREATE TABLE sink_holds (
                    sink TEXT NOT NULL,
                    topic TEXT NOT NULL,
                    topic_name TEXT NOT NULL,
                    since INTEGER NOT NULL,
                    until INTEGER NOT NULL,
                    summarized INTEGER,
                    PRIMARY KEY (sink, topic, since)
                ) WITHOUT ROWID;
                """)
    }

    /// How long a summarized hold is kept (for a look at the state); summaries are sent once either way.
    static let summarizedHoldKept: TimeInterval = 7 * 86400

    /// As `PostgresStore` counts for every daemon, for the one daemon of this state: an alert is admitted while
    /// fewer than `limit` of its topic were admitted to the sink in the `window` before `now`; the first one over
    /// begins a hold of the topic for one window, and it and every later one until then are held back. A decision
    /// once made is kept (a retry, a restart); an alert with no delivery row for the sink is not counted.
    public func admitToSink(
        alertID: String, sink: String, topic: String, at now: Date, limit: Int, window: TimeInterval
    ) throws -> Bool? {
        let t = now.storeSeconds
        let since = now.addingTimeInterval(-window).storeSeconds
        let until = now.addingTimeInterval(window).storeSeconds
        return try write { db in
            let own = try Row.fetchOne(
                db,
                sql: """
                    SELECT d.admitted_at, d.held_at, a.topic_name, d.alert_seq
                    FROM deliveries d JOIN alerts a ON a.seq = d.alert_seq WHERE a.alert_id = ? AND d.sink = ?
                    """, arguments: [alertID, sink])
            guard let own else { return true }
            if (own[0] as Int64?) != nil { return true }
            if (own[1] as Int64?) != nil { return false }
            let topicName: String = own[2]
            let seq: Int64 = own[3]
            let holding =
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM sink_holds WHERE sink = ? AND topic = ? AND since > ? LIMIT 1",
                    arguments: [sink, topic, since]) != nil
            if !holding {
                let counted =
                    try Int.fetchOne(
                        db,
                        sql: """
                            SELECT count(*) FROM deliveries d JOIN alerts a ON a.seq = d.alert_seq
                            WHERE d.sink = ? AND d.admitted_at > ? AND a.topic = ?
                            """, arguments: [sink, since, topic]) ?? 0
                if counted < limit {
                    try db.execute(
                        sql: "UPDATE deliveries SET admitted_at = ? WHERE alert_seq = ? AND sink = ?",
                        arguments: [t, seq, sink])
                    return true
                }
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO sink_holds (sink, topic, topic_name, since, until)
                        VALUES (?, ?, ?, ?, ?)
                        """, arguments: [sink, topic, topicName, t, until])
            }
            try db.execute(
                sql: "UPDATE deliveries SET held_at = ? WHERE alert_seq = ? AND sink = ?", arguments: [t, seq, sink])
            return false
        }
    }

    /// The sink's holds that ended by `now` and are not summarized yet, oldest first, with what each held back.
    public func claimEndedHolds(sink: String, at now: Date) throws -> [SinkHold] {
        try read { db in
            let ended = try Row.fetchAll(
                db,
                sql: """
                    SELECT topic, topic_name, since, until FROM sink_holds
                    WHERE sink = ? AND until <= ? AND summarized IS NULL ORDER BY since, topic
                    """, arguments: [sink, now.storeSeconds])
            return try ended.map { row in
                let (topic, since, until): (String, Int64, Int64) = (row[0], row[2], row[3])
                let titles = try String?.fetchAll(
                    db,
                    sql: """
                        SELECT a.title FROM deliveries d JOIN alerts a ON a.seq = d.alert_seq
                        WHERE d.sink = ? AND a.topic = ? AND d.held_at >= ? AND d.held_at < ?
                        ORDER BY d.held_at, a.seq
                        """, arguments: [sink, topic, since, until])
                return SinkHold(
                    sink: sink, topic: topic, topicName: row[1], since: Date(storeSeconds: since),
                    until: Date(storeSeconds: until), heldBack: titles.count,
                    sampleTitles: titles.prefix(5).map { $0 ?? "(untitled)" })
            }
        }
    }

    public func markHoldSummarized(sink: String, topic: String, since: Date, at now: Date) throws {
        try write { db in
            try db.execute(
                sql: "UPDATE sink_holds SET summarized = ? WHERE sink = ? AND topic = ? AND since = ?",
                arguments: [now.storeSeconds, sink, topic, since.storeSeconds])
            try db.execute(
                sql: "DELETE FROM sink_holds WHERE summarized IS NOT NULL AND summarized < ?",
                arguments: [now.addingTimeInterval(-Self.summarizedHoldKept).storeSeconds])
        }
    }
}
