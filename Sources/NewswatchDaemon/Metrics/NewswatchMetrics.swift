import CoreMetrics
import Foundation
import NewswatchSystem

/// Where the daemon's metrics are recorded (CONTRACT §11): one call per event, from the pipeline and the store.
///
/// The factory is injected so that tests read their own registry; the default (`nil`) records through the
/// process-wide `MetricsSystem`, which the daemon bootstraps once when `[metrics] listen` is set (and which is a
/// no-op otherwise). Label values come from bounded sets: configured topic ids and sinks, status classes, error kinds.
public final class NewswatchMetrics: Sendable {
    /// The process-wide recorder the pipeline uses unless a test injects its own.
    public static let shared = NewswatchMetrics()

    private let factory: (any MetricsFactory)?
    /// Outbox sink id (`webhook:3f2a…`) → its ``SinkName``-style label (`webhook https://host/…`).
    private let sinkLabels = Locked<[String: String]>([:])
    /// When each alert read for delivery was written (detected), by sink id and alert id, until it is delivered or
    /// given up: the outbox calls that finish a delivery carry only ids.
    private let owed = Locked<[String: Date]>([:])

    /// Records into `factory`; `nil` records into `MetricsSystem.factory` as bootstrapped at the time.
    public init(factory: (any MetricsFactory)? = nil) {
        self.factory = factory
    }

    var current: any MetricsFactory { factory ?? MetricsSystem.factory }

    // MARK: - Primitives

    func count(_ name: MetricName, _ labels: [(String, String)] = [], by amount: Int = 1) {
        guard amount > 0 else { return }
        Counter(label: name.rawValue, dimensions: labels, factory: current).increment(by: amount)
    }

    func observe(_ name: MetricName, _ labels: [(String, String)] = [], seconds: Double) {
        let ns = Int64(max(0, min(seconds, 1e9)) * 1e9)
        Timer(label: name.rawValue, dimensions: labels, factory: current).recordNanoseconds(ns)
    }

    func set(_ name: MetricName, _ labels: [(String, String)] = [], to value: Int) {
        Gauge(label: name.rawValue, dimensions: labels, factory: current).record(value)
    }

    // MARK: - Sinks

    /// The label of outbox sink `id`: the configured sink's type and target as ``SinkName`` shows them (never a
    /// token or a URL path), `file` for the file sink, `other` for an id no longer configured.
    public func sinkLabel(_ id: String) -> String {
        sinkLabels.withLock { $0[id] } ?? (id == "file" ? "file" : "other")
    }

    /// Sets the sink labels from the config (at start and on every reload): outbox id → type and target.
    public func setSinkLabels(_ labels: [String: String]) {
        sinkLabels.withLock { $0 = labels }
    }

    /// Deliveries read from the outbox: remembers when each alert was written.
    func owe(sink: String, alerts: [(id: String, detected: Date)]) {
        owed.withLock { owed in
            for a in alerts { owed[sink + "\n" + a.id] = a.detected }
        }
    }

    /// Alerts delivered to `sink` at `time`: counted, and written → delivered observed for those read before.
    func delivered(sink: String, alertIDs: [String], at time: Date) {
        let label = sinkLabel(sink)
        count(.sinkDeliveries, [("sink", label), ("result", "delivered")], by: alertIDs.count)
        let written = owed.withLock { owed in alertIDs.compactMap { owed.removeValue(forKey: sink + "\n" + $0) } }
        for detected in written {
            observe(.alertDelivery, [("sink", label)], seconds: time.timeIntervalSince(detected))
        }
    }

    /// A failed delivery attempt; `gaveUp` when the sink will not try that alert again.
    func failed(sink: String, alertID: String, gaveUp: Bool) {
        count(.sinkDeliveries, [("sink", sinkLabel(sink)), ("result", gaveUp ? "given_up" : "failed")])
        if gaveUp { _ = owed.withLock { $0.removeValue(forKey: sink + "\n" + alertID) } }
    }

    // MARK: - Build

    /// `newswatch_build_info{version} 1`.
    public func buildInfo(version: String) {
        set(.buildInfo, [("version", version)], to: 1)
    }
}

extension NewswatchMetrics {
    /// Records the build and makes the unlabelled histograms appear in the first scrape, before anything happened.
    public func start(version: String) {
        buildInfo(version: version)
        for name in [MetricName.fetchDuration, .detectionDelay, .storeWrite] {
            _ = Timer(label: name.rawValue, dimensions: [], factory: current)
        }
        _ = Counter(label: MetricName.itemsNew.rawValue, dimensions: [], factory: current)
    }
}
