import Foundation
import NewswatchConfig
import NewswatchCore
import NewswatchStore
import Prometheus
import Testing

@testable import NewswatchDaemon

/// The metrics endpoint's answers and the recorder, on an injected registry (never the process-wide
/// `MetricsSystem`).
@Suite struct MetricsResponderTests {
    private func responder(
        _ registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), problem: String? = nil
    ) -> MetricsResponder {
        let metrics = NewswatchMetrics(factory: PrometheusMetricsFactory.newswatch(registry: registry))
        return MetricsResponder(registry: registry, metrics: metrics, refresh: {}, problem: { problem })
    }

    @Test func pathsAndMethods() async {
        let r = responder()
        #expect(await r.respond(method: "GET", uri: "/metrics").status == 200)
        #expect(await r.respond(method: "GET", uri: "/metrics").contentType == MetricsResponder.exposition)
        #expect(await r.respond(method: "HEAD", uri: "/metrics?x=1").status == 200)
        #expect(await r.respond(method: "GET", uri: "/healthz").status == 200)
        #expect(await r.respond(method: "GET", uri: "/").status == 404)
        #expect(await r.respond(method: "GET", uri: "/metrics/extra").status == 404)
        #expect(await r.respond(method: "POST", uri: "/metrics").status == 405)
        #expect(await r.respond(method: "DELETE", uri: "/healthz").status == 405)
    }

    @Test func healthzIs503WithTheReasonWhileUnhealthy() async {
        let answer = await responder(problem: "the scheduler loop has not woken for 75.0 s").respond(
            method: "GET", uri: "/healthz")
        #expect(answer.status == 503)
        #expect(answer.body == "unhealthy: the scheduler loop has not woken for 75.0 s\n")
    }

    @Test func healthzWithoutAWatchdogAppliesTheSameRuleWithItsOwnTolerance() {
        let petter = WatchdogPetter(notifier: SystemdNotifier(environment: [:]))
        let t0 = ContinuousClock.now
        petter.heartbeat(at: t0)
        let tolerance = DaemonRuntime.healthTolerance
        #expect(petter.problem(at: t0 + tolerance, tolerance: tolerance) == nil)
        #expect(petter.problem(at: t0 + tolerance + .seconds(1), tolerance: tolerance)?.contains("not woken") == true)
        // The systemd watchdog itself is unaffected: no watchdog, nothing to stop pinging.
        #expect(petter.isHealthy(at: t0 + .seconds(86400)))
    }

    @Test func everySeriesGetsItsHelpLine() async {
        let registry = PrometheusCollectorRegistry()
        let metrics = NewswatchMetrics(factory: PrometheusMetricsFactory.newswatch(registry: registry))
        metrics.start(version: "9.9.9")
        metrics.count(.fetches, [("result", "2xx")])
        metrics.count(.matches, [("topic", "gaza")])
        metrics.count(.alerts, [("topic", "gaza"), ("kind", "new")])
        metrics.count(.sinkDeliveries, [("sink", "file"), ("result", "delivered")])
        metrics.set(.sinkPending, [("sink", "file")], to: 0)
        metrics.set(.feeds, [("state", "ok")], to: 1)
        metrics.observe(.alertDelivery, [("sink", "file")], seconds: 1)
        let text = await MetricsResponder(registry: registry, metrics: metrics, refresh: {}, problem: { nil }).scrape()
        for name in MetricName.allCases {
            #expect(text.contains("# HELP \(name.rawValue) \(name.help)\n# TYPE \(name.rawValue) "), "\(name)\n\(text)")
        }
        #expect(text.contains("newswatch_build_info{version=\"9.9.9\"} 1"), "\(text)")
    }

    @Test func fetchResultsAreStatusClassesOrErrorKinds() {
        func state(_ status: Int?) -> FeedState {
            FeedState(
                key: "k", name: "n", url: nil, active: true, validators: HTTPValidators(), bodyHash: nil,
                lastFetch: nil,
                lastSuccess: nil, firstSuccess: nil, lastNewItem: nil, httpStatus: status, errorKind: nil, error: nil,
                consecutiveFailures: 0, schedule: FeedSchedule())
        }
        let ingested = IngestOutcome(
            newItems: 1, updatedItems: 0, unchangedItems: 0, firstFetch: false, alerts: [], feedState: state(200))
        #expect(NewswatchMetrics.fetchResult(.ingested(ingested, fetch: FetchOutcome(.ok))) == "2xx")
        var file = ingested
        file.feedState = state(nil)
        #expect(NewswatchMetrics.fetchResult(.ingested(file, fetch: FetchOutcome(.ok))) == "ok")
        #expect(NewswatchMetrics.fetchResult(.unchanged(fetch: FetchOutcome(.notModified), state: nil)) == "3xx")
        #expect(NewswatchMetrics.fetchResult(.unchanged(fetch: FetchOutcome(.ok), state: state(200))) == "2xx")
        let http = PollFailure(kind: .fetch(.httpStatus), message: "HTTP status 503", httpStatus: 503)
        #expect(NewswatchMetrics.fetchResult(.failed(http)) == "5xx")
        // A body over the cap keeps its kind though its 200 is known (review 12).
        let large = PollFailure(kind: .fetch(.tooLarge), message: "body larger than 10485760 bytes", httpStatus: 200)
        #expect(NewswatchMetrics.fetchResult(.failed(large)) == "tooLarge")
        let dns = PollFailure(kind: .fetch(.dns), message: "cannot resolve")
        #expect(NewswatchMetrics.fetchResult(.failed(dns)) == "dns")
        let cancelled = PollFailure(kind: .fetch(.cancelled), message: "cancelled")
        #expect(NewswatchMetrics.fetchResult(.failed(cancelled)) == nil)
    }

    @Test func deliveriesAreCountedAndTimedPerSinkLabelNeverItsURLOrToken() throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = NewswatchMetrics(factory: PrometheusMetricsFactory.newswatch(registry: registry))
        let hook = SinkConfig.webhook(
            .init(url: URL(string: "https://hooks.example.org/services/T0/B0/SECRETPATH?token=TOKEN")!, format: .json))
        var config = NewswatchConfig(
            origin: .embedded, daemon: DaemonSettings(stateDirectory: URL(fileURLWithPath: "/x")))
        config.sinks = [hook]
        let labels = NewswatchMetrics.sinkLabels(config)
        metrics.setSinkLabels(labels)
        let id = try #require(labels.keys.first { $0 != "file" })
        let label = metrics.sinkLabel(id)
        #expect(label.hasPrefix("webhook https://hooks.example.org"), "\(label)")
        #expect(!label.contains("SECRETPATH") && !label.contains("TOKEN"), "\(label)")

        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        metrics.owe(sink: id, alerts: [("a1", t0), ("a2", t0)])
        metrics.delivered(sink: id, alertIDs: ["a1"], at: t0.addingTimeInterval(2))
        metrics.failed(sink: id, alertID: "a2", gaveUp: false)
        metrics.failed(sink: id, alertID: "a2", gaveUp: true)
        let text = registry.emitToString()
        #expect(text.contains("newswatch_sink_deliveries_total{sink=\"\(label)\",result=\"delivered\"} 1"), "\(text)")
        #expect(text.contains("newswatch_sink_deliveries_total{sink=\"\(label)\",result=\"failed\"} 1"), "\(text)")
        #expect(text.contains("newswatch_sink_deliveries_total{sink=\"\(label)\",result=\"given_up\"} 1"), "\(text)")
        #expect(text.contains("newswatch_alert_delivery_seconds_count{sink=\"\(label)\"} 1"), "\(text)")
        #expect(text.contains("newswatch_alert_delivery_seconds_sum{sink=\"\(label)\"} 2"), "\(text)")
        #expect(metrics.sinkLabel("webhook:unknown") == "other" && metrics.sinkLabel("file") == "file")
    }
}
