import Foundation
import Logging
import NewswatchCore
import NewswatchStore

/// Writes digests from the store: on demand (`newswatch digest`), the ones missed while the daemon was down, and
/// each one at its time while the daemon runs (CONTRACT §5).
public struct DigestPublisher: Sendable {
    /// Where the digest's items, alerts and feed health are read.
    public var store: any DigestStore
    /// The configured topics, in config order.
    public var topics: [TopicDefinition]
    /// When digests are issued.
    public var schedule: DigestSchedule
    /// Where and in which formats they are written.
    public var writer: DigestWriter
    /// Where each written digest and each failure is logged.
    public var logger: Logger
    /// `daemon.backfill`, for the feed-health section's detection delays.
    public var backfill: TimeInterval = defaultBackfill
    /// `daemon.backfill`'s default (6 hours).
    public static let defaultBackfill: TimeInterval = 6 * 3600

    /// A publisher from its parts.
    public init(
        store: any DigestStore, topics: [TopicDefinition], schedule: DigestSchedule, writer: DigestWriter,
        logger: Logger
    ) {
        self.store = store
        self.topics = topics
        self.schedule = schedule
        self.writer = writer
        self.logger = logger
    }

    /// Writes (or rewrites) the digest of `period`; returns the files written.
    @discardableResult
    public func write(_ period: DigestPeriod) async throws -> [URL] {
        var builder = DigestBuilder(store: store, topics: topics, schedule: schedule)
        builder.backfill = backfill
        let data = try await builder.build(period)
        let files = try writer.write(data)
        let items = data.topics.reduce(0) { $0 + $1.itemCount }
        logger.info("digest written", metadata: ["date": "\(period.date)", "items": "\(items)"])
        return files
    }

    /// The periods that ended while no digest was written: after the last digest on disk, or — on a first start —
    /// after the first fetch the store remembers (a new installation owes no digests for days before it existed).
    public func missedPeriods(now: Date) async throws -> [DigestPeriod] {
        if let last = writer.lastWrittenDate() {
            return schedule.missedPeriods(after: last, now: now)
        }
        guard let firstFetch = try await store.feedStates(includeInactive: true).compactMap(\.firstSuccess).min() else {
            return []
        }
        let firstPeriod = schedule.periodContaining(firstFetch)
        return schedule.missedPeriods(after: firstPeriod.date.adding(days: -1), now: now)
    }

    /// Writes every missed digest; a failure is logged and the next one is still tried.
    public func catchUp(now: Date) async {
        let periods: [DigestPeriod]
        do {
            periods = try await missedPeriods(now: now)
        } catch {
            logger.error("digest: cannot list missed digests: \(error)")
            return
        }
        for period in periods {
            do { try await write(period) } catch { logger.error("digest \(period.date) failed: \(error)") }
        }
    }

    /// Writes each digest at its time until the calling task is cancelled.
    public func run(clock: any NewswatchClock) async {
        await catchUp(now: clock.now())
        while !Task.isCancelled {
            let due = schedule.nextDigestInstant(after: clock.now())
            do { try await clock.sleep(until: due) } catch { return }
            // The period that has just ended is the most recently completed one at `due`.
            let period = schedule.mostRecentlyCompletedPeriod(at: due)
            do { try await write(period) } catch { logger.error("digest \(period.date) failed: \(error)") }
        }
    }
}
