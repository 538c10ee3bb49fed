import Foundation
import Prometheus

/// Answers the metrics endpoint's requests (CONTRACT §11): `GET /metrics`, `GET /healthz`, 404 for other paths,
/// 405 for methods other than GET and HEAD.
///
/// `MetricsServer` calls a scrape (``readsStore(method:uri:)``: it reads the store for the state gauges) on a
/// dispatch queue of its own, every other answer on its event loop: `/healthz` reads no store and never waits
/// behind a scrape, so a stuck store still gets its 503.
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
    let refresh: @Sendable () async -> Void
    /// Why the daemon is unhealthy by the watchdog's rule; `nil` while healthy.
    let problem: @Sendable () -> String?

    /// A responder over `registry`, recording the gauges through `metrics`.
    public init(
        registry: PrometheusCollectorRegistry, metrics: NewswatchMetrics,
        refresh: @escaping @Sendable () async -> Void, problem: @escaping @Sendable () -> String?
    ) {
        self.registry = registry
        self.metrics = metrics
        self.refresh = refresh
        self.problem = problem
    }

    /// The `Content-Type` of the Prometheus text format.
    public static let exposition = "text/plain; version=0.0.4; charset=utf-8"

    /// Whether answering `method uri` reads the store (a scrape), so must not run on the server's event loop.
    public func readsStore(method: String, uri: String) -> Bool {
        (method == "GET" || method == "HEAD") && Self.path(of: uri) == "/metrics"
    }

    private static func path(of uri: String) -> String? {
        uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
    }

    /// The answer to `method path` (the query string is ignored).
    public func respond(method: String, uri: String) async -> Response {
        if readsStore(method: method, uri: uri) {
            return Response(status: 200, contentType: Self.exposition, body: await scrape())
        }
        return respondWithoutStore(method: method, uri: uri)
    }

    /// The answer to a request that reads no store (everything but a `GET /metrics`), at once.
    func respondWithoutStore(method: String, uri: String) -> Response {
        let path = Self.path(of: uri)
        guard method == "GET" || method == "HEAD" else {
            return Response(status: 405, contentType: "text/plain; charset=utf-8", body: "only GET and HEAD\n")
        }
        switch path {
        case "/metrics":
            // Not reached through ``respond(method:uri:)``, which scrapes for `/metrics`.
            return Response(status: 200, contentType: Self.exposition, body: "")
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
    public func scrape() async -> String {
        await refresh()
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
