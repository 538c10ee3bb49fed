import Foundation
import NewswatchCore
import PostgresNIO

// Retention, as SQLiteStore+Retention.swift and +EventRetention.swift: the same rules, each delete its own small
// transaction (one statement, at most `batchSize` rows), so pruning holds no lock for long. Every delete re-checks its
// condition in the statement itself (not only in an earlier read), and the deletes of items and stories take the
// ingest's story lock (as SQLite's single writer is taken), so an ingest's story phase by any daemon runs wholly
// before or after each of them: a story is never deleted under an ingest joining it. An ingest finds its feed's known
// items before it waits for that lock, locking them (`FOR KEY SHARE`), and the item deletes skip locked items: an
// item seen again a moment ago is not pruned (pruning never makes an old item new), and no delete waits for an
// ingest that waits for the lock the delete holds.
extension PostgresStore {
    /// Deletes, in small transactions, items that left their feed more than `retention` ago (with their matches),
    /// stories left without items, fetch events older than `retention`, finished outbox rows older than `retention`,
    /// old escalation facts, spikes and finished operator events, and feeds removed long ago once empty.
    @discardableResult
    public func prune(now: Date, retention: TimeInterval, batchSize: Int) async throws -> PruneOutcome {
        // Both terms are clamped to years 1–9999, so the difference cannot overflow whatever `retention` says.
        let cutoff = now.storeSeconds - TimeBounds.seconds(retention.rounded(.up))
        let size = max(1, batchSize)
        var outcome = PruneOutcome()

        // An item has left its feed when a later successful parse of the feed did not contain it (last_seen < the
        // feed's last ingest); a failing or 304 feed's items are still in it, however old their last_seen.
        let stale = try await rows(
            """
            SELECT i.id FROM items i JOIN feeds f ON f.id = i.feed_id
            WHERE i.last_seen < \(cutoff) AND (i.last_seen < f.last_ingest OR NOT f.active) ORDER BY i.id
            """, "prune: read stale items"
        ).map { try $0.decode(Int64.self) }
        for chunk in stale.chunked(size) {
            let ids = Array(chunk)
            outcome.items += try await deleted(
                storyLock: true,
                """
                DELETE FROM items i USING feeds f
                WHERE i.id IN (SELECT id FROM items WHERE id = ANY(\(ids)) FOR UPDATE SKIP LOCKED)
                    AND f.id = i.feed_id AND i.last_seen < \(cutoff)
                    AND (i.last_seen < f.last_ingest OR NOT f.active)
                RETURNING 1
                """)
        }

        // Stories without items (their alerts stay in the outbox until finished and old).
        outcome.stories += try await deleteInBatches(size, storyLock: true) { limit in
            """
            DELETE FROM stories WHERE id IN (
                SELECT s.id FROM stories s
                WHERE s.first_seen < \(cutoff) AND NOT EXISTS (SELECT 1 FROM items i WHERE i.story_id = s.id)
                LIMIT \(limit))
            RETURNING 1
            """
        }
        outcome.fetchEvents += try await deleteInBatches(size) { limit in
            """
            DELETE FROM fetch_events WHERE id IN (SELECT id FROM fetch_events WHERE at < \(cutoff) LIMIT \(limit))
            RETURNING 1
            """
        }
        // Alerts whose every delivery finished, detected before the cutoff (deliveries and verdicts go with them).
        outcome.alerts += try await deleteInBatches(size) { limit in
            """
            DELETE FROM alerts WHERE seq IN (
                SELECT a.seq FROM alerts a
                WHERE a.detected < \(cutoff) AND NOT EXISTS (
                    SELECT 1 FROM deliveries d WHERE d.alert_seq = a.seq AND d.state = \(Self.deliveryPending))
                LIMIT \(limit))
            RETURNING 1
            """
        }
        // Escalation facts of stories that are gone, spikes and finished operator events older than the cutoff.
        // Open incidents stay: they are still news.
        _ = try await deleted(
            """
            DELETE FROM escalations e
            WHERE e.at < \(cutoff) AND NOT EXISTS (SELECT 1 FROM stories s WHERE s.key = e.story_key)
            RETURNING 1
            """)
        _ = try await deleted("DELETE FROM spikes WHERE at < \(cutoff) RETURNING 1")
        // `max_per_hour` holds whose summary went (or that ended long ago).
        _ = try await deleted(
            """
            DELETE FROM sink_holds
            WHERE until < \(cutoff) AND (summarized IS NOT NULL OR until < \(cutoff) - 86400) RETURNING 1
            """)
        _ = try await deleted(
            """
            DELETE FROM operator_events e WHERE e.at < \(cutoff) AND NOT EXISTS (
                SELECT 1 FROM event_deliveries d WHERE d.event_seq = e.seq AND d.state = \(Self.deliveryPending))
            RETURNING 1
            """)
        // Feeds removed from the config long ago, once nothing of theirs is left.
        outcome.feeds = try await deleted(
            """
            DELETE FROM feeds f WHERE NOT f.active AND f.inactive_since < \(cutoff)
                AND NOT EXISTS (SELECT 1 FROM items i WHERE i.feed_id = f.id)
            RETURNING 1
            """)
        return outcome
    }

    /// Runs `statement(limit)` (a `DELETE … RETURNING 1` of at most `limit` rows) until it deletes fewer.
    private func deleteInBatches(
        _ limit: Int, storyLock: Bool = false, _ statement: (Int) -> PostgresQuery
    ) async throws -> Int {
        var total = 0
        while true {
            let n = try await deleted(storyLock: storyLock, statement(limit))
            total += n
            if n < limit { return total }
        }
    }

    /// Runs one `DELETE … RETURNING 1` in its own transaction, under the story lock if asked; the rows it deleted.
    private func deleted(storyLock: Bool = false, _ statement: PostgresQuery) async throws -> Int {
        guard storyLock else { return try await rows(statement, "prune").count }
        return try await transaction("prune") { c -> Int in
            try await c.query("SELECT pg_advisory_xact_lock(\(Self.storyLock))", logger: logger)
            return try await c.rows(statement, logger: logger).count
        }
    }
}
