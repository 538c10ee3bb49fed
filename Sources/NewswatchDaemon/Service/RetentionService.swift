import Foundation
import Logging
import NewswatchConfig
import NewswatchCore
import NewswatchStore
import NewswatchSystem
import ServiceLifecycle

/// Retention (CONTRACT §6): prunes the store in small batches once an hour, the first time a minute after start,
/// with the retention of the config in force, until graceful shutdown.
struct RetentionService: Service {
    let store: any Store
    let loaded: Locked<LoadedConfig>
    let clock: any NewswatchClock
    let logger: Logger
    /// On a shared store only the leader prunes (CONTRACT §9); `nil`: this daemon alone.
    var leader: LeaderLock? = nil

    func run() async {
        await cancelWhenGracefulShutdown { await pruneHourly() }
    }

    private func pruneHourly() async {
        var delay: UInt64 = 60
        while !Task.isCancelled {
            try? await Task.sleep(nanoseconds: delay * 1_000_000_000)
            if Task.isCancelled { return }
            if let leader, !(await leader.isLeader) {
                // Not the leader: look again in a minute, so a new leader prunes within the hour.
                delay = 60
                continue
            }
            delay = 3600
            let retention = loaded.withLock { $0.config.daemon.retention.timeInterval }
            let store = self.store
            let now = clock.now()
            do {
                let outcome = try await store.prune(now: now, retention: retention, batchSize: 500)
                logger.debug("retention pass", metadata: ["outcome": "\(outcome)"])
            } catch {
                logger.error("retention pass failed: \(error)")
            }
        }
    }
}
