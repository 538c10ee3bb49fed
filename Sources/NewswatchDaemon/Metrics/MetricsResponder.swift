import Foundation
import Prometheus

/// Answers the metrics endpoint's requests (CONTRACT §11): `GET /metrics`, `GET /healthz`, 404 for other paths,
/// 405 for methods other than GET and HEAD.
///
/// Called on the server's own event-loop thread: a scrape reads the store there (the state gauges), never on a
/// cooperative thread; `/healthz` reads no store, so a stuck store still gets its 503.
public struct MetricsResponder: Sendable {
    /// One answer.
    public struct Response: Sendable, Equatable {
        public var status: Int
        public var contentType: String
        public var body: String
    }

    /// The registry the daemon's metrics factory writes into.
    public let registry: PrometheusCollectorRegistry
    let metrics: NewswatchMetrics
    /// Sets the state gauges (feeds by state, sink backlog) from the store, before each scrape.
    let refresh: @Sendable () -> Void
    /// Why the daemon is unhealthy by the watchdog's rule; `nil` while healthy.
    let problem: @Sendable () -> String?

    /// A responder over `registry`, recording the gauges through `metrics`.
    public init(
        registry: PrometheusCollectorRegistry, metrics: NewswatchMetrics,
        refresh: @escaping @Sendable () -> Void, problem: @escaping @Sendable () -> String?
    ) {
        self.registry = registry
        self.metrics = metrics
        self.refresh = refresh
        self.problem = problem
    }

    /// The `Content-Type` of the Prometheus text format.
    public static let exposition = "text/plain; version=0.0.4; charset=utf-8"

    /// The answer to `method path` (the query string is ignored).
    public func respond(method: String, uri: String) -> Response {
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
        guard method == "GET" || method == "HEAD" else {
            return Response(status: 405, contentType: "text/plain; charset=utf-8", body: "only GET and HEAD\n")
        }
        switch path {
        case "/metrics":
            return Response(status: 200, contentType: Self.exposition, body: scrape())
        case "/healthz":
            if let problem = problem() {
                return Response(status: 503, contentType: "text/plain; charset=utf-8", body: "unhealthy: \(problem)\n")
            }
            return Response(status: 200, contentType: "text/plain; charset=utf-8", body: "ok\n")
        default:
            return Response(status: 404, contentType: "text/plain; charset=utf-8", body: "not found\n")
        }
    }

    /// The exposition: the state gauges set from the store, then every series with its `# HELP` line.
    public func scrape() -> String {
        refresh()
        return Self.withHelp(registry.emitToString())
    }

    /// Adds `# HELP` before each `# TYPE` line of a series ``MetricName`` knows (the swift-metrics API carries no
    /// help text, and `promtool check metrics` requires one).
    static func withHelp(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 2048)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# TYPE "), let name = line.dropFirst(7).split(separator: " ").first,
                let metric = MetricName(rawValue: String(name))
            {
                out += "# HELP \(name) \(metric.help)\n"
            }
            out += line
            out += "\n"
        }
        if out.hasSuffix("\n\n") { out.removeLast() }
        return out
    }
}
