import Foundation
import NewswatchStore

extension WatchedStore {
    public func newItemFigures(feedKey: String, firstSeen: Date) throws -> [NewItemFigure] {
        try base.newItemFigures(feedKey: feedKey, firstSeen: firstSeen)
    }

    public func detectionDelays(firstSeenFrom from: Date, to: Date, backfill: TimeInterval) throws
        -> [String: [TimeInterval]]
    {
        try base.detectionDelays(firstSeenFrom: from, to: to, backfill: backfill)
    }
}
