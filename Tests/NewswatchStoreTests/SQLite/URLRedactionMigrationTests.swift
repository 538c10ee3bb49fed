import Foundation
import GRDB
import NewswatchCore
import Testing

@testable import NewswatchStore

private typealias Kit = StoreTestKit

/// Schema v3 takes the credentials out of a file written before CONTRACT §4 forbade storing them.
@Suite struct URLRedactionMigrationTests {
    /// A schema-v2 file as the old daemon wrote it: a feed keyed by its URL with user-info (and an older row of the
    /// same feed from before its password changed), alerts quoting that URL, a webhook error quoting its token.
    private func writeVersion2File(_ kit: Kit) throws {
        try FileManager.default.createDirectory(at: kit.dir.file("state"), withIntermediateDirectories: true)
        let t = Kit.at(hours: 0).timeIntervalSince1970
        let pool = try DatabasePool(path: kit.path)
        try SQLiteStore.migrator.migrate(pool, upTo: "v2-item-matches")
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO feeds(id, key, name, url, active, last_fetch, etag) VALUES
                        (1, 'https://desk:0ld-pa55@feeds.example.org/desk.xml', 'Desk', 
                            'https://desk:0ld-pa55@feeds.example.org/desk.xml', 0, ? - 86400, '"old"'),
                        (2, 'https://desk:n3w-pa55@feeds.example.org/desk.xml', 'Desk',
                            'https://desk:n3w-pa55@feeds.example.org/desk.xml', 1, ?, '"v7"'),
                        (3, 'https://public.example.org/rss', 'Public', 'https://public.example.org/rss', 1, ?, NULL);
                    INSERT INTO stories(id, key, first_seen) VALUES (1, 's1', ?), (2, 's2', ?);
                    INSERT INTO items(id, feed_id, story_id, guid, link, norm_link, revision, title, published,
                        undated, first_seen, last_seen)
                    VALUES (1, 1, 1, 'a', 'https://feeds.example.org/a', 'https://feeds.example.org/a', 'r1',
                            'Gaza truce talks resume', ? - 86400, 0, ? - 86400, ? - 86400),
                           (2, 2, 2, 'b', 'https://feeds.example.org/b', 'https://feeds.example.org/b', 'r2',
                            'Gaza aid convoy', ?, 0, ?, ?);
                    INSERT INTO fetch_events(feed_id, at, kind, message) VALUES (1, ? - 86400, 'http', 'HTTP 401');
                    INSERT INTO alerts(seq, alert_id, story_key, topic, topic_name, priority, title, link, feed,
                        feed_url, published, detected, terms, summary, sources)
                    VALUES (1, 'al-1', 's2', 'gaza', 'Gaza', 'high', 'Gaza aid convoy', 'https://feeds.example.org/b',
                            'Desk', 'https://desk:n3w-pa55@feeds.example.org/desk.xml', ?, ?, '["gaza"]', NULL, 1);
                    INSERT INTO deliveries(alert_seq, sink, state, attempts, next_attempt, last_error) VALUES
                        (1, 'file', 1, 1, NULL, NULL),
                        (1, 'webhook:abc', 0, 3, ?, 'alert sink webhook https://hooks.slack.com/services/… unreachable: '
                            || 'https://hooks.slack.com/services/T000/B000/XT0KEN?token=QT0KEN: Failed to connect');
                    """,
                arguments: [t, t, t, t, t, t, t, t, t, t, t, t, t, t, t])
        }
    }

    @Test func version2FileLosesEveryCredentialAndKeepsItsHistory() throws {
        let kit = try Kit()
        defer { kit.dir.remove() }
        try writeVersion2File(kit)
        do {
            let store = try kit.open()
            #expect(try store.appliedMigrations() == SQLiteStore.migrator.migrations)
            let feeds = try store.feedStates(includeInactive: true)
            #expect(feeds.map(\.key) == ["https://feeds.example.org/desk.xml", "https://public.example.org/rss"])
            let desk = try #require(feeds.first)
            // The active row is the one kept, with its validators; the old row's items joined it.
            #expect(desk.url == "https://***@feeds.example.org/desk.xml")
            #expect(desk.active && desk.validators.etag == "\"v7\"")
            #expect(try store.itemCounts()[desk.key] == 2)
            let (feedURL, lastError, events) = try store.read { db in
                (
                    try String.fetchOne(db, sql: "SELECT feed_url FROM alerts"),
                    try String.fetchOne(db, sql: "SELECT last_error FROM deliveries WHERE sink = 'webhook:abc'"),
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM fetch_events WHERE feed_id = ?", arguments: [2])
                )
            }
            #expect(feedURL == "https://***@feeds.example.org/desk.xml")
            #expect(
                lastError
                    == "alert sink webhook https://hooks.slack.com/… unreachable: https://hooks.slack.com/… "
                    + "Failed to connect")
            #expect(events == 1)
            // The new daemon finds the feed under the key it computes now: no second row, no re-alert.
            try store.syncFeeds(
                [FeedDescriptor(key: "https://feeds.example.org/desk.xml", name: "Desk", url: desk.url)],
                at: Kit.at(hours: 1))
            #expect(try store.feedStates(includeInactive: true).count == 2)
        }
        // Nothing of the credentials is left anywhere in the files, free pages and the WAL included.
        for name in try FileManager.default.contentsOfDirectory(atPath: kit.dir.file("state").path) {
            // The store's checkpointer closes its own connection a moment after the store: its `-shm` may be
            // listed and then gone.
            let path = kit.dir.file("state/" + name)
            guard FileManager.default.fileExists(atPath: path.path), let bytes = try? Data(contentsOf: path) else {
                continue
            }
            for secret in ["0ld-pa55", "n3w-pa55", "desk:", "XT0KEN", "QT0KEN", "T000/B000"] {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) in \(name)")
            }
        }
    }
}
