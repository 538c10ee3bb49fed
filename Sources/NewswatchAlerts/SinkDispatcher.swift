import Foundation
import Logging
import NewswatchCore
import NewswatchStore
import NewswatchSystem

/// Delivers the alert outbox to every sink: the file sink (the record) and each `[[alerts.sinks]]` entry, each
/// drained by a task of its own so a dead webhook never delays email, exec or the file (CONTRACT §4).
///
/// The daemon gives ``routes`` to every ingest, calls ``wake()`` after an ingest that produced alerts, and runs
/// ``run()`` as a service; `run --once` calls ``runOnce(deadline:)`` instead. On a wake the file sink is drained
/// first, then every other sink is woken; each sink also wakes on its own for retries, batches and rate-limit
/// summaries (and polls the outbox every ``pollInterval`` in case another process left work).
package final class SinkDispatcher: Sendable {
    /// What the ingest needs: the file sink first, then every configured sink with its topic filter.
    package let routes: [SinkRoute]
    /// The configured sinks (not the file sink), in config order.
    package let sinks: [ConfiguredSink]
    /// How often a sink looks at the outbox when nothing woke it.
    package let pollInterval: TimeInterval
    package let fileSink: FileAlertSink

    private let workers: [SinkWorker]
    private let fileSignal = SinkWakeSignal()
    private let signals: [SinkWakeSignal]
    private let clock: any NewswatchClock
    private let logger: Logger

    /// - Parameter deliveries: each topic's delivery by topic id: a retry that would fall in the topic's quiet hours
    ///   waits for their end (CONTRACT §10), as the first attempt did.
    package init(
        sinks: [ConfiguredSink], fileSink: FileAlertSink, store: any Store, clock: any NewswatchClock = SystemClock(),
        retryPolicy: SinkRetryPolicy = SinkRetryPolicy(), pollInterval: TimeInterval = 60,
        deliveries: [String: TopicDelivery] = [:], logger: Logger
    ) {
        self.sinks = sinks
        self.fileSink = fileSink
        self.clock = clock
        self.pollInterval = pollInterval
        self.logger = logger
        routes = [.file] + sinks.map(\.route)
        workers = sinks.map {
            SinkWorker(endpoint: $0, store: store, policy: retryPolicy, deliveries: deliveries, logger: logger)
        }
        signals = sinks.map { _ in SinkWakeSignal() }
    }

    /// Asks for a drain now: the file sink, then every other sink. Cheap; call it after every ingest with alerts.
    package func wake() {
        fileSignal.signal()
    }

    /// Drains until the calling task is cancelled; then writes whatever the file sink is still owed and returns.
    ///
    /// Deliveries in flight at cancellation are abandoned without being counted as failures (they stay pending).
    package func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.runFileSink() }
            for (worker, signal) in zip(workers, signals) {
                group.addTask { await self.run(worker, signal: signal) }
            }
            await group.waitForAll()
        }
        do {
            // In a task of its own: this one is cancelled (shutdown), and a cancelled task's store queries fail on
            // PostgreSQL (its client honours cancellation) — the last owed alerts must still reach the file.
            _ = try await Task { try await self.drainFileSink() }.value
        } catch {
            logger.error("alert file sink: cannot write the alerts file at shutdown: \(error)")
        }
    }

    /// `run --once`: writes everything the file sink is owed, then gives every other sink one drain that ignores
    /// backoff (each attempt abandoned at `deadline`), sending open email batches at once; topic batches, quiet
    /// hours and `max_per_hour` holds keep their times (they are in the outbox and the store: the first run after a
    /// hold's hour sends its summary).
    /// - Returns: what each sink's drain did, by sink id.
    @discardableResult
    package func runOnce(deadline: ContinuousClock.Instant) async -> [String: SinkDrainResult] {
        let (results, fileFailure) = await runOnceReportingFileFailure(deadline: deadline)
        if let fileFailure { logger.error("alert file sink: cannot write the alerts file: \(fileFailure)") }
        return results
    }

    /// ``runOnce(deadline:)`` that returns the file sink's failure instead of logging it: `run --once` ends with it
    /// as its exit reason (the other sinks still get their attempt).
    package func runOnceReportingFileFailure(deadline: ContinuousClock.Instant) async -> (
        results: [String: SinkDrainResult], fileFailure: (any Error)?
    ) {
        var fileFailure: (any Error)?
        do {
            try await drainFileSink()
        } catch {
            fileFailure = error
        }
        let now = clock.now()
        let results = await withTaskGroup(of: (String, SinkDrainResult).self) { group in
            for worker in workers {
                group.addTask { (worker.endpoint.id, await worker.drain(at: now, deadline: deadline)) }
            }
            var results: [String: SinkDrainResult] = [:]
            for await (id, result) in group { results[id] = result }
            return results
        }
        for sink in sinks {
            guard let result = results[sink.id] else { continue }
            logger.info(
                "alert sink drained",
                metadata: [
                    "sink": "\(sink.id)", "delivered": "\(result.delivered)", "failed": "\(result.failed)",
                    "held_back": "\(result.heldBack)", "given_up": "\(result.givenUp)",
                ])
        }
        return (results, fileFailure)
    }

    /// `run --once` with the contract's budget: at most `timeLimit` (30 s) for the other sinks' attempts.
    @discardableResult
    package func runOnce(timeLimit: Duration = .seconds(30)) async -> [String: SinkDrainResult] {
        await runOnce(deadline: ContinuousClock.now + timeLimit)
    }

    /// Writes every alert the file sink is owed; returns those newly written.
    @discardableResult
    package func drainFileSink() async throws -> [Alert] {
        let fileSink = fileSink
        let now = clock.now()
        let written = try await fileSink.drain(at: now)
        // One journal line per alert: operators see alerts in `journalctl -u newswatch` as they land.
        for alert in written {
            logger.notice(
                "alert: \(alert.title ?? "(untitled)")",
                metadata: ["topic": "\(alert.topic)", "feed": "\(alert.feed)", "alert": "\(alert.id)"])
        }
        return written
    }

    /// Drains every configured sink once at `now`, concurrently, honouring attempt times (what a wake does after the
    /// file sink). For tests and tools; the daemon uses ``run()``.
    @discardableResult
    package func drainSinks(at now: Date) async -> [String: SinkDrainResult] {
        await withTaskGroup(of: (String, SinkDrainResult).self) { group in
            for worker in workers {
                group.addTask { (worker.endpoint.id, await worker.drain(at: now)) }
            }
            var results: [String: SinkDrainResult] = [:]
            for await (id, result) in group { results[id] = result }
            return results
        }
    }

    /// When the sink with `id` next has work of its own after `now` (a retry, a batch, a summary).
    package func nextWake(sink id: String, after now: Date) async -> Date? {
        guard let worker = workers.first(where: { $0.endpoint.id == id }) else { return nil }
        return await worker.nextWake(after: now)
    }

    // MARK: - Loops

    private func runFileSink() async {
        var retryAt: Date?
        var failedAttempts = 0
        while !Task.isCancelled {
            do {
                let written = try await drainFileSink()
                retryAt = nil
                if failedAttempts > 0 {
                    logger.notice("alert file sink: writing again after \(failedAttempts) failed attempts")
                    failedAttempts = 0
                }
                if !written.isEmpty { logger.debug("alerts written", metadata: ["alerts": "\(written.count)"]) }
            } catch {
                // The record must not be lost: keep trying (a full disk may be freed), without spinning, and say so
                // once, not every ten seconds for as long as the disk stays full.
                failedAttempts += 1
                let line: Logger.Message =
                    "alert file sink: cannot write the alerts file (retrying every 10 s): \(error)"
                if failedAttempts == 1 { logger.error(line) } else { logger.debug(line) }
                retryAt = clock.now().addingTimeInterval(10)
            }
            // The other sinks go after the file, and never wait for it to succeed.
            for signal in signals { signal.signal() }
            await fileSignal.wait(until: retryAt, clock: clock)
        }
    }

    private func run(_ worker: SinkWorker, signal: SinkWakeSignal) async {
        while !Task.isCancelled {
            let now = clock.now()
            _ = await worker.drain(at: now)
            if Task.isCancelled { break }
            let poll = now.addingTimeInterval(pollInterval)
            let next = await worker.nextWake(after: now).map { min($0, poll) } ?? poll
            await signal.wait(until: next, clock: clock)
        }
    }
}
