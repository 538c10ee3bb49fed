/// Every series newswatch exports (CONTRACT §11), with the help text `/metrics` shows for it.
public enum MetricName: String, CaseIterable, Sendable {
    case fetches = "newswatch_fetches_total"
    case fetchDuration = "newswatch_fetch_duration_seconds"
    case itemsNew = "newswatch_items_new_total"
    case matches = "newswatch_matches_total"
    case alerts = "newswatch_alerts_total"
    case sinkDeliveries = "newswatch_sink_deliveries_total"
    case sinkPending = "newswatch_sink_pending"
    case feeds = "newswatch_feeds"
    case detectionDelay = "newswatch_detection_delay_seconds"
    case alertDelivery = "newswatch_alert_delivery_seconds"
    case storeWrite = "newswatch_store_write_seconds"
    case buildInfo = "newswatch_build_info"

    /// The `# HELP` text.
    public var help: String {
        switch self {
        case .fetches:
            "Feed polls by result: the HTTP status class (2xx, 3xx, 4xx, 5xx), ok for a file, or the error kind."
        case .fetchDuration: "Time one feed poll took: fetch, parse, match and store."
        case .itemsNew: "Items never seen before, stored."
        case .matches: "New items matched, by topic id."
        case .alerts: "Alerts written to the outbox, by topic id and kind."
        case .sinkDeliveries: "Alert delivery attempts by sink and result (delivered, failed, given_up)."
        case .sinkPending: "Alerts owed to each sink, as of the scrape."
        case .feeds: "Configured feeds by state (ok, failing, silent), as of the scrape."
        case .detectionDelay: "Detected minus published, for new items published within daemon.backfill."
        case .alertDelivery: "Alert written to the outbox until delivered, by sink."
        case .storeWrite: "Time one store write (transaction) took."
        case .buildInfo: "Always 1; the version label says which newswatch runs."
        }
    }

    /// Histogram buckets of the timed series, in seconds (`nil` for the others).
    public var buckets: [Double]? {
        switch self {
        case .fetchDuration: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
        case .storeWrite: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 10]
        case .alertDelivery: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600]
        case .detectionDelay: [30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400, 172800, 604800]
        default: nil
        }
    }
}
