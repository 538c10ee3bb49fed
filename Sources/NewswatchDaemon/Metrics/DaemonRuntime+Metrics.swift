import Foundation
import Metrics
import NewswatchSystem
import Prometheus
import ServiceLifecycle

extension DaemonRuntime {
    /// How long `/healthz` lets the loop go without a heartbeat, or a store operation run, when systemd set no
    /// watchdog: twice the loop's longest sleep without one (30 s, see ``PollService``).
    static let healthTolerance: Duration = .seconds(60)

    /// The process's one registry: `MetricsSystem` can be bootstrapped only once, so a second runtime in the same
    /// process serves the same series.
    static let metricsRegistry = PrometheusCollectorRegistry()
    private static let bootstrapped = Locked(false)

    /// Binds `[metrics] listen` and bootstraps the process's metrics system into a Prometheus registry; `nil` when
    /// no endpoint is configured (recording stays a no-op). Throws ``ServiceError`` when the address cannot be bound.
    func startMetrics(petter: WatchdogPetter) async throws -> ServiceGroupConfiguration.ServiceConfiguration? {
        let config = loaded.withLock { $0.config }
        NewswatchMetrics.shared.setSinkLabels(NewswatchMetrics.sinkLabels(config))
        guard let listen = config.metrics.listen else { return nil }
        let registry = Self.metricsRegistry
        let store = self.store
        let clock = self.clock
        let loaded = self.loaded
        let responder = MetricsResponder(
            registry: registry, metrics: .shared,
            refresh: {
                await NewswatchMetrics.shared.setState(
                    config: loaded.withLock { $0.config }, store: store, now: clock.now())
            },
            problem: {
                petter.problem(at: .now, tolerance: petter.pingInterval ?? DaemonRuntime.healthTolerance)
            })
        let server = try await MetricsServer.bind(listen, responder: responder, logger: logger)
        // Once per process (a second bootstrap traps), and only once the endpoint is up: until then every recording
        // is a no-op.
        Self.bootstrapped.withLock { done in
            if !done { MetricsSystem.bootstrap(PrometheusMetricsFactory.newswatch(registry: registry)) }
            done = true
        }
        NewswatchMetrics.shared.start(version: version)
        return .init(service: server, serviceName: "metrics")
    }
}
