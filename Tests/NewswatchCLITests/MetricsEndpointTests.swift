import Foundation
import NewswatchTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `[metrics] listen` on the built binary (CONTRACT §11): a daemon's round over loopback feeds, scraped over HTTP.
@Suite struct MetricsEndpointTests {
    /// One feed with three dated items (two about the topic), one feed that answers 404; the endpoint on a free
    /// loopback port.
    private func startWorld(port: Int? = nil) throws -> (ServiceWorld, port: Int) {
        let world = try ServiceWorld()
        world.serve(
            "/wire.xml",
            ServiceWorld.rss(
                "Wire",
                [
                    ("w1", "Rafah crossing closed"), ("w2", "Israeli strikes hit Rafah overnight"),
                    ("w3", "Markets rally in Tokyo"),
                ], ago: 120))
        let port = try port ?? LoopbackHTTPServer.unusedPort()
        try world.writeConfig(
            // 30 s: the first polls come within 3 s of the start (the start-up spread is a tenth of the interval).
            feeds: [
                .init(name: "Wire", path: "/wire.xml", interval: "30s"),
                .init(name: "Gone", path: "/gone.xml", interval: "30s"),
            ],
            topics: [.init(id: "gaza", query: "Rafah")], extra: "\n[metrics]\nlisten = \"127.0.0.1:\(port)\"\n")
        return (world, port)
    }

    @Test func aScrapeAfterOneRoundCountsFetchesItemsAlertsAndDelaysAndPassesPromtool() async throws {
        let (world, port) = try startWorld()
        let daemon = try world.startDaemon()
        defer { daemon.kill() }
        let base = "http://127.0.0.1:\(port)"
        #expect(await world.waitForAlerts(timeout: 30) { $0.count == 2 }, "\(daemon.stderr)")
        #expect(await daemon.waitForStderr(containing: "feed=Gone", timeout: 30), "\(daemon.stderr)")

        // The file sink's deliveries are marked just after the alert file is written: wait for the counter.
        var scrape = MetricsScrape("")
        _ = await Service.poll(timeout: 15) {
            guard let (status, body) = try? MetricsScrape.fetch(base + "/metrics"), status == 200 else { return false }
            scrape = MetricsScrape(body)
            return scrape.value("newswatch_sink_deliveries_total", ["sink": "file", "result": "delivered"]) == 2
        }
        let s = scrape
        // Wire's one 200 (a second round would be a 304), Gone's 404s; one duration per fetch.
        #expect(s.value("newswatch_fetches_total", ["result": "2xx"]) == 1, "\(s.text)")
        let notFound = s.value("newswatch_fetches_total", ["result": "4xx"]) ?? 0
        let notModified = s.value("newswatch_fetches_total", ["result": "3xx"]) ?? 0
        #expect(notFound >= 1, "\(s.text)")
        #expect(s.value("newswatch_fetch_duration_seconds_count") == 1 + notFound + notModified, "\(s.text)")
        #expect(s.value("newswatch_items_new_total") == 3, "\(s.text)")
        #expect(s.value("newswatch_matches_total", ["topic": "gaza"]) == 2, "\(s.text)")
        #expect(s.value("newswatch_alerts_total", ["topic": "gaza", "kind": "new"]) == 2, "\(s.text)")
        #expect(s.value("newswatch_sink_deliveries_total", ["sink": "file", "result": "delivered"]) == 2, "\(s.text)")
        #expect(s.value("newswatch_alert_delivery_seconds_count", ["sink": "file"]) == 2, "\(s.text)")
        #expect(s.value("newswatch_sink_pending", ["sink": "file"]) == 0, "\(s.text)")
        #expect(s.value("newswatch_feeds", ["state": "ok"]) == 1, "\(s.text)")
        #expect(s.value("newswatch_feeds", ["state": "failing"]) == 1, "\(s.text)")
        #expect(s.value("newswatch_feeds", ["state": "silent"]) == 0, "\(s.text)")
        #expect(s.value("newswatch_build_info", ["version": "0.1.0"]) == 1, "\(s.text)")
        #expect((s.value("newswatch_store_write_seconds_count") ?? 0) >= 2, "\(s.text)")
        // Three items published 120 s before they were fetched: all within a minute and five, none below a minute.
        #expect(s.value("newswatch_detection_delay_seconds_count") == 3, "\(s.text)")
        #expect((s.value("newswatch_detection_delay_seconds_sum") ?? 0) >= 3 * 110, "\(s.text)")
        #expect(s.value("newswatch_detection_delay_seconds_bucket", ["le": "60.0"]) == 0, "\(s.text)")
        #expect(s.value("newswatch_detection_delay_seconds_bucket", ["le": "300.0"]) == 3, "\(s.text)")

        let lint = try s.promtool()
        #expect(lint.status == 0, "promtool check metrics: \(lint.output)\n\(s.text)")

        // Every metric the shipped dashboard queries is in a real scrape.
        let dashboard = try GrafanaDashboard(SourceTree.root.appendingPathComponent("contrib/grafana/newswatch.json"))
        #expect(!dashboard.metrics.isEmpty)
        for metric in dashboard.metrics {
            #expect(s.families.contains(metric), "the dashboard queries \(metric), which no scrape has")
        }

        #expect(try MetricsScrape.fetch(base + "/healthz") == (200, "ok\n"))
        #expect(try MetricsScrape.fetch(base + "/nothing").status == 404)
        #expect(try MetricsScrape.fetch(base + "/metrics", method: "POST").status == 405)
        #expect(try MetricsScrape.fetch(base + "/metrics", method: "HEAD").status == 200)

        // status --json: the feed's detection delay percentiles from the stored items (about 120 s).
        let config = world.configURL.path
        let status = try await Service.blocking { try NewswatchBinary.run(["status", "--json", "--config", config]) }
        let json = try JSONSerialization.jsonObject(with: status.stdoutData) as? [String: Any]
        let feeds = json?["feeds"] as? [[String: Any]] ?? []
        let wire = feeds.first { $0["name"] as? String == "Wire" }
        let gone = feeds.first { $0["name"] as? String == "Gone" }
        for key in ["detection_delay_p50", "detection_delay_p95"] {
            let seconds = wire?[key] as? Int ?? -1
            #expect((110...150).contains(seconds), "\(key): \(status.stdout)")
            #expect(gone?[key] is NSNull, "\(key): \(status.stdout)")
        }

        let table = try await Service.blocking { try NewswatchBinary.run(["status", "--config", config]) }
        #expect(table.stdout.contains("detection delay (7 days): Wire: p50 2m"), "\(table.stdout)")
        #expect(!table.stdout.contains("detection delay (7 days): Gone"), "\(table.stdout)")

        daemon.signal(SIGTERM)
        #expect(await daemon.wait(timeout: 10) == .init(status: 0, bySignal: false), "\(daemon.stderr)")
        // Closed with the daemon.
        #expect(try MetricsScrape.fetch(base + "/healthz").status == 0)
    }

    @Test func anAddressInUseStopsRunAtStartUpNamingIt() async throws {
        // Something else listens on the port.
        let squatter = try LoopbackHTTPServer.start { _ in .status(500) }
        defer { squatter.stop() }
        let (world, port) = try startWorld(port: squatter.port)
        let config = world.configURL.path
        let run = try await Service.blocking { try NewswatchBinary.run(["run", "--config", config], timeout: 30) }
        #expect(run.status == 1, "\(run.stderr)")
        let errors = run.stderr.split(separator: "\n").filter { $0.hasPrefix("newswatch: ") }
        #expect(
            errors == ["newswatch: metrics: cannot listen on 127.0.0.1:\(port): the address is already in use"],
            "\(run.stderr)")
        // It stopped before polling anything.
        #expect(world.server.requests.isEmpty)
    }
}

/// The metrics a Grafana dashboard's queries name.
struct GrafanaDashboard {
    /// Every `newswatch_…` metric family named in a target's `expr` (histogram suffixes dropped).
    let metrics: Set<String>

    init(_ url: URL) throws {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        var exprs: [String] = []
        func walk(_ value: Any) {
            if let object = value as? [String: Any] {
                for (key, v) in object {
                    if key == "expr", let s = v as? String { exprs.append(s) } else { walk(v) }
                }
            } else if let array = value as? [Any] {
                array.forEach(walk)
            }
        }
        walk(json)
        let pattern = try NSRegularExpression(pattern: "newswatch_[a-z_]+")
        var names: Set<String> = []
        for expr in exprs {
            for match in pattern.matches(in: expr, range: NSRange(expr.startIndex..., in: expr)) {
                var name = (expr as NSString).substring(with: match.range)
                for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
                    name = String(name.dropLast(suffix.count))
                }
                names.insert(name)
            }
        }
        metrics = names
    }
}
