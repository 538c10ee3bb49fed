import Foundation
import GRDB
import NewswatchCore
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// `v5-story-keys` upgrades a state written by the schema before it (`stories.key UNIQUE`, no `story_keys`): the
/// digest, feedback and escalation still find the stories its alerts name.
@Suite struct StoryKeysMigrationTests {
    /// The shared story in feed `n` at `hours`, with `gaza` escalating at `threshold` sources.
    static func batch(feed n: Int, hours: Double, threshold: Int) -> IngestBatch {
        var batch = Kit.batch(
            feed: Kit.feed(n), at: Kit.at(hours: hours),
            items: [
                Kit.item(
                    "f\(n)", "Gaza talks resume in Cairo", link: "https://wire.example/talks",
                    published: Kit.at(hours: hours - 0.1)),
                Kit.item("w\(n)", "Weather in feed \(n)", published: Kit.at(hours: hours - 0.1)),
            ])
        batch.topics = Kit.topics
        batch.topics[0].rules.escalateSources = threshold
        return batch
    }

    /// Takes a state of this schema back to the one before `v5-story-keys`: `stories` with its `UNIQUE` key, no
    /// `story_keys`, the migration not applied (as GRDB would have left a file written by the previous release).
    static func downgrade(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.inTransaction {
                try db.execute(
                    sql: """
                        CREATE TABLE stories_v4 (
                            id INTEGER PRIMARY KEY,
                            key TEXT NOT NULL UNIQUE,
                            first_seen INTEGER NOT NULL
                        );
                        INSERT INTO stories_v4 SELECT id, key, first_seen FROM stories;
                        DROP TABLE story_keys;
                        DROP TABLE stories;
                        ALTER TABLE stories_v4 RENAME TO stories;
                        DELETE FROM grdb_migrations WHERE identifier = 'v5-story-keys';
                        """)
                return .commit
            }
        }
    }

    @Test func anOldStateKeepsItsDigestFeedbackAndEscalation() async throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        let first: IngestOutcome
        do {
            let store = try kit.open()
            for n in 1...4 {
                _ = try await store.ingest(Kit.batch(feed: Kit.feed(n), at: Kit.at(hours: -1), items: []))
            }
            first = try await store.ingest(Self.batch(feed: 1, hours: 0, threshold: 2))
            #expect(first.alerts.map(\.kind) == [.new])
            let update = try await store.ingest(Self.batch(feed: 2, hours: 1, threshold: 2)).alerts
            #expect(update.map(\.kind) == [.update])
            try store.recordVerdict(
                Verdict(alertID: first.alerts[0].id, relevant: true, note: nil, at: Kit.at(hours: 2)))
        }
        try Self.downgrade(kit.path)
        let old = try DatabaseQueue(path: kit.path)
        #expect(try await old.read { db in try db.tableExists("story_keys") } == false)
        #expect(try await old.read { db in try db.indexes(on: "stories").contains { $0.isUnique } })

        let store = try kit.open()
        #expect(try store.appliedMigrations() == SQLiteStore.migrator.migrations)
        let story = first.alerts[0].story
        #expect(try store.read { db in try db.indexes(on: "stories").isEmpty })
        #expect(try store.read { db in try String.fetchAll(db, sql: "SELECT key FROM story_keys") } == [story])
        // Feedback finds the alerted item through the story's key.
        let judged = try store.judgedAlerts(detectedFrom: Kit.at(hours: -1))
        #expect(judged.map { $0.item?.feedName } == ["Feed 1"])
        // The digest lists every source of the story.
        let records = try store.matchedItems(firstSeenFrom: Kit.at(hours: -1), to: Kit.at(hours: 2))
        let rows = Set(records.filter { $0.story == story }.map(\.storyRowID))
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(try store.storySources(storyRowIDs: [row])[row]?.map(\.feedName) == ["Feed 1", "Feed 2"])
        // Escalation finds the alerted story: a third source makes the update for a threshold of 3.
        let third = try await store.ingest(Self.batch(feed: 3, hours: 3, threshold: 3)).alerts
        #expect(third.map(\.kind) == [.update] && third.first?.story == story && third.first?.sources == 3)
        // Retention keeps the escalation facts of a story that lives on.
        _ = try store.prune(now: Kit.at(hours: 24 * 40), retention: 30 * 86400, batchSize: 10)
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM escalations") } == 2)
    }
}
