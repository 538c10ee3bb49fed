import Foundation
import NewswatchStore

extension WatchedStore {
    public func detectionDelays(firstSeenFrom from: Date, to: Date, backfill: TimeInterval) throws
        -> [String: [TimeInterval]]
    {
        try base.detectionDelays(firstSeenFrom: from, to: to, backfill: backfill)
    }
}
