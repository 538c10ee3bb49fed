import Foundation
import Logging
import NewswatchAlerts
import NewswatchConfig
import NewswatchCore
import NewswatchStore
import NewswatchSystem

/// The daemon's handle on alert delivery: the current `SinkDispatcher` (file sink + configured sinks), its drain
/// task, and its replacement when a reload changes the sinks. Pending deliveries stay attached across reloads
/// because sink ids are derived from the sinks' targets.
final class AlertDelivery: Sendable {
    private struct Current: Sendable {
        var dispatcher: SinkDispatcher
        var task: Task<Void, Never>?
    }

    private let store: any Store
    private let clock: any NewswatchClock
    private let logger: Logger
    private let transport: CurlAlertTransport
    private let current: Locked<Current>

    init(config: NewswatchConfig, store: any Store, clock: any NewswatchClock, logger: Logger) throws {
        self.store = store
        self.clock = clock
        self.logger = logger
        transport = try CurlAlertTransport(userAgent: config.daemon.userAgent)
        current = Locked(
            Current(
                dispatcher: try SinkDispatcher(
                    config: config, store: store, transport: transport, clock: clock, logger: logger)))
    }

    /// The sinks every ingest owes deliveries to (the file sink first).
    var routes: [SinkRoute] { current.withLock { $0.dispatcher.routes } }

    /// The configured sinks in force (operator events go to those that asked).
    var sinks: [ConfiguredSink] { current.withLock { $0.dispatcher.sinks } }

    /// New alerts are in the outbox.
    func wake() { current.withLock { $0.dispatcher }.wake() }

    /// Starts draining in the background (the daemon); `stop()` ends it.
    func start() {
        current.withLock { c in
            guard c.task == nil else { return }
            let dispatcher = c.dispatcher
            c.task = Task { await dispatcher.run() }
        }
    }

    /// A new config: a dispatcher for its sinks replaces the old one, which flushes the file sink as it stops.
    /// - Throws: `ConfigError` when a sink's secret file cannot be read; the old dispatcher stays.
    func reload(_ config: NewswatchConfig) throws {
        let fresh = try SinkDispatcher(config: config, store: store, transport: transport, clock: clock, logger: logger)
        let old: Task<Void, Never>? = current.withLock { c in
            let running = c.task != nil
            let oldTask = c.task
            c.dispatcher = fresh
            // The new dispatcher starts once the old one has stopped: with the same owner on a shared store it gets
            // back the old one's claims, and must not send a row whose attempt the old one is still abandoning.
            c.task =
                running
                ? Task {
                    await oldTask?.value
                    await fresh.run()
                } : nil
            return oldTask
        }
        old?.cancel()
        fresh.wake()
    }

    /// Stops draining; the file sink is flushed before this returns.
    func stop() async {
        let task: Task<Void, Never>? = current.withLock { c in
            defer { c.task = nil }
            return c.task
        }
        task?.cancel()
        await task?.value
        await flushFile()
        await transport.shutdown()
    }

    /// `run --once`: every owed alert to the file, one attempt of at most 30 s for every other sink.
    /// - Returns: why the alerts file could not be written, if it could not.
    func deliverOnce() async -> (any Error)? {
        let dispatcher = current.withLock { $0.dispatcher }
        let (_, fileFailure) = await dispatcher.runOnceReportingFileFailure(deadline: .now + .seconds(30))
        await transport.shutdown()
        return fileFailure
    }

    /// Writes every owed alert to the alert files now; a failure is logged.
    func flushFile() async {
        do {
            try await current.withLock { $0.dispatcher }.drainFileSink()
        } catch {
            logger.error("alert file sink: \(error)")
        }
    }

    /// Deliveries still owed, for STATUS=.
    func pendingCount() async -> Int {
        ((try? await store.sinkSummaries()) ?? []).reduce(0) { $0 + $1.pending }
    }
}
