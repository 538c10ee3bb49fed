import Foundation
import Logging
import NewswatchConfig
import NewswatchCore
import NewswatchDigest
import NewswatchStore
import NewswatchSystem
import ServiceLifecycle
import UnixSignals

/// `newswatch run` assembled: config → directories and lock → store → poll loop, alert delivery, digests,
/// systemd notifications, SIGHUP reload (CONTRACT §1, §4, §5, §7).
public final class DaemonRuntime: Sendable {
    public let paths: StatePaths
    /// The configured store (SQLite offloaded, or PostgreSQL), unwatched.
    public let store: any Store
    /// The store as opened, to close at the end.
    public let opened: OpenedStore
    /// This daemon among others on a shared PostgreSQL store; `nil` on SQLite.
    public let shared: SharedMembership?
    public let daemon: Daemon
    public let logger: Logger
    /// What `newswatch_build_info{version}` says.
    public let version: String
    private let lock: RunLock
    let clock: any NewswatchClock
    let notifier: SystemdNotifier
    let loaded: Locked<LoadedConfig>
    private let deliveries: AlertDelivery
    /// Every store call of the pipeline, for the watchdog.
    private let storeProgress = StoreProgress()

    /// Creates the directories, takes the run lock (a second `run` on the same state fails, naming the holder) and
    /// opens the store.
    public init(
        loaded: LoadedConfig, logger: Logger, clock: any NewswatchClock = SystemClock(),
        environment: [String: String] = ProcessInfo.processInfo.environment, version: String = "unknown"
    ) async throws {
        self.version = version
        let config = loaded.config
        FileSizeLimitSignal.ignore()
        paths = StatePaths(config.daemon)
        try paths.create()
        lock = try RunLock(stateDirectory: paths.stateDirectory)
        let owner = SharedMembership.newOwnerID()
        let lease = config.store.lease.timeInterval
        opened = try await StoreOpener.open(
            config, access: .readWrite, claims: DeliveryClaims(owner: owner, lease: lease))
        store = opened.store
        shared = opened.postgres.map { SharedMembership(store: $0, owner: owner, lease: lease, version: version) }
        self.logger = logger
        self.clock = clock
        self.loaded = Locked(loaded)
        notifier = SystemdNotifier(environment: environment, logger: logger)
        // The pipeline writes through a watched store, so a stuck store stops WATCHDOG=1 (CONTRACT §7).
        let watched = WatchedStore(store, progress: storeProgress)
        let deliveries = try AlertDelivery(config: config, store: watched, clock: clock, logger: logger)
        self.deliveries = deliveries
        daemon = try Daemon(
            plan: try DaemonPlan(config: config), store: watched, clock: clock, logger: logger,
            sinkRoutes: { deliveries.routes }, alertsArrived: { deliveries.wake() })
        if case .embedded = config.origin {
            logger.notice("no config file found: using the embedded default config (\(config.feeds.count) feeds)")
        }
    }

    // MARK: - run --once

    /// One round of every feed, then every owed alert to the file sink and one attempt for the other sinks.
    public func runOnce() async throws -> RoundSummary {
        var summary = try await daemon.runOnce()
        await daemon.shutdown()
        // Spikes and operator events as the service would check them after this round (CONTRACT §10).
        _ = await OperatorWatch(store: store, logger: logger).check(
            config: loaded.withLock { $0.config }, sinks: deliveries.sinks, alertRoutes: deliveries.routes,
            now: clock.now(), sending: .awaited(deadline: .now + .seconds(30)))
        if let failure = await deliveries.deliverOnce() {
            summary.fileSinkFailure = "\(failure)"
        }
        return summary
    }

    // MARK: - The service

    /// Runs until SIGTERM/SIGINT: then stops polling, finishes or abandons in-flight fetches, flushes the alert
    /// outbox to the file sink and returns (the caller exits 0).
    public func runService() async throws {
        let petter = WatchdogPetter(notifier: notifier, store: storeProgress, logger: logger)
        // SIGHUP is trapped before READY=1 is sent: systemd may send a reload at once, and an untrapped SIGHUP
        // would end the process. (The group traps SIGTERM/SIGINT before it starts any service.)
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        let publisher = DigestPublisher(config: loaded.withLock { $0.config }, store: store, logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            // Without a systemd watchdog the petter has nothing to do and returns at once.
            .init(service: petter, successTerminationBehavior: .ignore, serviceName: "watchdog"),
            .init(service: AlertDrainService(deliveries: deliveries), serviceName: "alert-drain"),
            .init(
                service: DigestService(publisher: publisher, clock: clock, leader: shared?.leader),
                serviceName: "digest"),
            .init(
                service: RetentionService(
                    store: store, loaded: loaded, clock: clock, logger: logger, leader: shared?.leader),
                serviceName: "retention"),
            .init(service: StatusService(runtime: self), serviceName: "status"),
            .init(
                service: OperatorEventService(
                    watch: OperatorWatch(store: store, logger: logger), loaded: loaded, deliveries: deliveries,
                    clock: clock), serviceName: "operator-events"),
            .init(service: ReloadService(runtime: self, hangups: hangups), serviceName: "reload"),
            .init(service: PollService(runtime: self, petter: petter), serviceName: "poll"),
        ]
        if let shared {
            services.insert(
                .init(service: SharedMembershipService(runtime: self, membership: shared), serviceName: "shared"), at: 0
            )
        }
        // Listening before the group starts: an address in use stops `run` here, before READY=1.
        if let metrics = try await startMetrics(petter: petter) { services.insert(metrics, at: 0) }
        // Graceful shutdown runs in reverse order: polling stops first, deliveries flush last, scrapes go on to the end.
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        await daemon.shutdown()
        await deliveries.flushFile()
        logger.info("stopped")
    }

    /// Re-reads the config from where it came from; a valid one replaces the old, an invalid one is refused with
    /// one error line and the old stays in force (CONTRACT §6).
    /// The file reads and the topics' compilation run on the work queue, not on a cooperative thread.
    func reload() async {
        notifier.reloading()
        let old = loaded.withLock { $0 }
        do {
            let (fresh, plan) = try await Offload.run(on: Offload.workQueue) {
                let fresh = try ConfigLoader.reload(old)
                return (fresh, try DaemonPlan(config: fresh.config))
            }
            if fresh.config.daemon.stateDirectory != old.config.daemon.stateDirectory
                || fresh.config.daemon.outputDirectory != old.config.daemon.outputDirectory
            {
                logger.warning("config reload: state_dir and output_dir changes take effect at the next restart")
            }
            if fresh.config.metrics != old.config.metrics {
                logger.warning("config reload: [metrics] changes take effect at the next restart")
            }
            try deliveries.reload(fresh.config)
            NewswatchMetrics.shared.setSinkLabels(NewswatchMetrics.sinkLabels(fresh.config))
            try daemon.reload(plan)
            loaded.withLock { $0 = fresh }
            logger.info(
                "config reloaded",
                metadata: ["feeds": "\(fresh.config.feeds.count)", "topics": "\(fresh.config.topics.count)"])
        } catch {
            logger.error("config reload refused, keeping the running config: \(error)")
        }
        notifier.ready(status: await statusLine())
    }

    /// The one-line STATUS= text, from two store reads.
    func statusLine() async -> String {
        let config = loaded.withLock { $0.config }
        let zone = config.digest.timeZone
        let midnight = CivilDay(clock.now(), in: zone).start(in: zone)
        let store = self.store
        let deliveries = self.deliveries
        guard let totals = try? await store.totals(alertsSince: midnight) else { return "running" }
        let pending = await deliveries.pendingCount()
        return ServiceStatusLine(
            feeds: totals.feeds, failing: totals.failing, alertsToday: totals.alertsSince, pendingDeliveries: pending
        ).text
    }
}
