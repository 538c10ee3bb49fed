import Foundation
import NewswatchConfig
import NewswatchStore

// Detection delay per feed (CONTRACT §11): detected − published of the last 7 days' new items.
extension StatusReport {
    /// Each feed's delays over ``DelayPercentiles/window`` before `now`, by feed key (none without a store).
    static func detectionDelays(config: NewswatchConfig, store: (any Store)?, now: Date) async throws -> [String:
        [Double]]
    {
        try await store?.detectionDelays(
            firstSeenFrom: now.addingTimeInterval(-DelayPercentiles.window), to: now.addingTimeInterval(1),
            backfill: config.daemon.backfill.timeInterval) ?? [:]
    }

    /// `detection delay: NAME p50 3m12s, p95 10m` for each feed with data, for the table.
    var detectionDelayLines: String {
        feeds.compactMap { f in
            f.detectionDelay.map {
                "detection delay (7 days): \(Self.oneLine(f.name, limit: 80)): "
                    + "p50 \(DelayPercentiles.text($0.p50)), p95 \(DelayPercentiles.text($0.p95))\n"
            }
        }.joined()
    }
}
