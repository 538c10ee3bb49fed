import Foundation
import NewswatchCore

/// The store as the digest reads it: the few queries a digest is built from, nothing that writes.
///
/// `Store` refines it, so any store serves; a digest test or another backend needs only these.
public protocol DigestStore: Sendable {
    /// The state of every feed (active ones only unless `includeInactive`), ordered by key.
    func feedStates(includeInactive: Bool) async throws -> [FeedState]

    /// Items first seen in `[from, to)` that matched a topic when first seen: one record per (item, topic),
    /// ordered by first seen, then item, then topic.
    func matchedItems(firstSeenFrom from: Date, to: Date) async throws -> [MatchedItemRecord]

    /// Every stored item of each given story (by story row id, `MatchedItemRecord.storyRowID`), ordered by first
    /// seen. By row id, not by the key alerts carry: the key has no index (its random order cost the writer).
    func storySources(storyRowIDs: [Int64]) async throws -> [Int64: [StorySource]]

    /// Failed fetches recorded in `[from, to)`, ordered by time.
    func fetchFailures(from: Date, to: Date) async throws -> [FetchEventRecord]

    /// Alerts detected in `[from, to)`, oldest first.
    func alerts(detectedFrom from: Date, to: Date) async throws -> [Alert]

    /// Detected − published, in seconds, of every dated item first seen in `[from, to)` whose publication lies
    /// within `backfill` before its detection, by feed key; negative delays (a clock ahead) count as 0.
    func detectionDelays(firstSeenFrom from: Date, to: Date, backfill: TimeInterval) async throws -> [String:
        [TimeInterval]]
}
