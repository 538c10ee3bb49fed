import Foundation
import NewswatchCore

/// What one `Store.ingest` did.
public struct IngestOutcome: Sendable, Equatable {
    /// Items never seen before in this feed (stored now).
    public var newItems: Int
    /// Known items whose title, summary, content, link or categories changed.
    public var updatedItems: Int
    /// Known items seen again unchanged (including duplicates within the document).
    public var unchangedItems: Int
    /// Whether this was the feed's first successful fetch (backfill rules applied).
    public var firstFetch: Bool
    /// The alerts this batch created, in outbox order (already committed with their delivery rows).
    public var alerts: [Alert]
    /// The feed's state as the transaction left it (validators, body hash, schedule).
    public var feedState: FeedState?
    /// The new items as the metrics count them (publication date, topics matched), so no read follows the ingest.
    public var newItemFigures: [NewItemFigure] = []

    public init(
        newItems: Int, updatedItems: Int, unchangedItems: Int, firstFetch: Bool, alerts: [Alert],
        feedState: FeedState? = nil
    ) {
        self.newItems = newItems
        self.updatedItems = updatedItems
        self.unchangedItems = unchangedItems
        self.firstFetch = firstFetch
        self.alerts = alerts
        self.feedState = feedState
    }
}
