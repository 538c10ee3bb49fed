import Foundation
import NewswatchCore
import PostgresNIO

extension PostgresIngest {
    /// What `prepare` found, for the part under the story lock.
    struct Prepared {
        /// The feed's state as written (`updateFeed`).
        var feedState: FeedState
        /// How many incoming items no stored item of the feed is (at most the new items; ids reserved for them).
        var newItems: Int
        /// The links to look up in other feeds (`unknownLinks`).
        var links: [String]
    }

    /// The part of the ingest before the story lock: the feed's row (upserted, then its state after the fetch) and
    /// its stored items that the incoming ones may be. Only rows of this feed, which one daemon at a time polls, so
    /// other daemons' ingests run meanwhile.
    mutating func prepare(_ incoming: [Incoming]) async throws -> Prepared {
        try await loadFeed()
        detectGuidReuse(incoming)
        try await loadKnown(incoming)
        // An item unknown now is new, or a later copy of a new one: there are new items exactly when one is unknown
        // (save an update that changes a known item so that a later copy no longer matches it: `run` checks).
        let unknown = incoming.reduce(0) { $0 + (findKnown($1) == nil ? 1 : 0) }
        let feedState = try await updateFeed(newItems: unknown)
        return Prepared(feedState: feedState, newItems: unknown, links: unknownLinks(incoming))
    }

    /// Takes what the catch-up under the story lock read: other feeds' stories by link, reserved ids, the index.
    mutating func take(_ extras: PostgresStoryIndex.Extras, index: StoryIndex) {
        otherFeedStoryByLink = extras.storyByLink
        itemIDs = ReservedIDs(ids: extras.itemIDs)
        storyIDs = ReservedIDs(ids: extras.storyIDs)
        self.index = index
    }
}
