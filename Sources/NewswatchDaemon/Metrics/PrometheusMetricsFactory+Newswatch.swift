import Prometheus

extension PrometheusMetricsFactory {
    /// A factory writing into `registry`, with each timed series' buckets from ``MetricName/buckets``.
    public static func newswatch(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        for metric in MetricName.allCases {
            guard let buckets = metric.buckets else { continue }
            factory.durationHistogramBuckets[metric.rawValue] = buckets.map { .nanoseconds(Int64($0 * 1e9)) }
        }
        return factory
    }
}
