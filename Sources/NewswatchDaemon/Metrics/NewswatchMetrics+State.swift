import Foundation
import NewswatchAlerts
import NewswatchConfig
import NewswatchStore

// The gauges set from the store at each scrape: feeds by state and each sink's backlog.
extension NewswatchMetrics {
    /// Sets `newswatch_feeds{state}` (configured feeds fetched at least once: `failing` as `status` says, `silent`
    /// by ``StatusReport/isSilent(_:interval:now:)``, else `ok`) and `newswatch_sink_pending{sink}`. Two reads
    /// (feed states, outbox counts), none of `status`'s heavier ones; a store that cannot be read leaves the last
    /// values.
    func setState(config: NewswatchConfig, store: any Store, now: Date) async {
        guard let states = try? await store.feedStates(includeInactive: false),
            let summaries = try? await store.sinkSummaries()
        else { return }
        let intervals = Dictionary(
            config.feeds.map { ($0.key, TimeInterval($0.interval.seconds)) }, uniquingKeysWith: { a, _ in a })
        var counts = ["ok": 0, "failing": 0, "silent": 0]
        for state in states where state.lastFetch != nil {
            let interval = intervals[state.key] ?? TimeInterval(config.daemon.interval.seconds)
            let key =
                state.error != nil || state.consecutiveFailures > 0
                ? "failing" : StatusReport.isSilent(state, interval: interval, now: now) ? "silent" : "ok"
            counts[key, default: 0] += 1
        }
        for (state, n) in counts { set(.feeds, [("state", state)], to: n) }
        var pending = Dictionary(Self.sinkLabels(config).values.map { ($0, 0) }, uniquingKeysWith: { a, _ in a })
        for summary in summaries { pending[sinkLabel(summary.sink), default: 0] += summary.pending }
        for (label, n) in pending { set(.sinkPending, [("sink", label)], to: n) }
    }

    /// Outbox id → label for every sink of `config`: `file`, or the type and target as ``SinkName`` shows them and
    /// the outbox id, as `status` tells sinks apart (two sinks on one host differ only by their id).
    public static func sinkLabels(_ config: NewswatchConfig) -> [String: String] {
        var labels = [SinkRoute.fileSinkID: "file"]
        for (sink, id) in zip(config.sinks, ConfiguredSink.outboxIDs(config.sinks)) {
            // A label value stays one plain line: a program's file name could hold a quote or a backslash.
            let label = "\(sink.type) \(SinkName.target(sink)) (\(id))".filter {
                $0 != "\"" && $0 != "\\" && !$0.isNewline
            }
            labels[id] = label
        }
        return labels
    }
}
