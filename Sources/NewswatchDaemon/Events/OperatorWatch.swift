import Foundation
import Logging
import NewswatchAlerts
import NewswatchConfig
import NewswatchCore
import NewswatchStore
import NewswatchSystem

/// One pass of the operator checks (CONTRACT §10): spikes, feeds down and back, sinks failing, then the event
/// outbox. Every decision is a store transaction keyed by incident, so a restart never repeats an event. Store calls
/// run on the alert queue, never on the cooperative pool.
final class OperatorWatch: Sendable {
    /// How a check sends the events owed to sinks.
    enum Sending: Sendable {
        /// The daemon: each sink's pass in a task of its own, not awaited, so a hanging sink never delays a check.
        case inBackground
        /// `run --once` and tests: every sink at the same time, awaited; an attempt still running at `deadline`
        /// fails (and is retried later).
        case awaited(deadline: ContinuousClock.Instant?)
    }

    private let store: any Store
    private let logger: Logger
    /// When this daemon first saw each never-successful feed failing (it has no last success to count from).
    private let firstFailures = Locked<[String: Date]>([:])
    /// When spikes were last checked.
    private let lastSpikeCheck = Locked<Date?>(nil)
    /// The sinks' event passes in flight (``Sending/inBackground``).
    private let senders = OperatorEventSenders()
    /// The least time between two spike checks.
    static let spikeCheckInterval: TimeInterval = 60

    init(store: any Store, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Checks everything at `now` with `config` and the sinks in force; returns whether alerts were created.
    func check(
        config: NewswatchConfig, sinks: [ConfiguredSink], alertRoutes: [SinkRoute], now: Date,
        sending: Sending = .awaited(deadline: nil)
    ) async -> Bool {
        var alerted = false
        // Counting the spike windows reads 8 hours of items: once a minute is plenty for an hourly rule.
        let spikeDue = lastSpikeCheck.withLock { last in
            guard last.map({ now.timeIntervalSince($0) >= Self.spikeCheckInterval }) ?? true else { return false }
            last = now
            return true
        }
        let store = store
        do {
            if spikeDue {
                let spikes = try await store.raiseSpikes(topics: config.topics, sinks: alertRoutes, now: now)
                NewswatchMetrics.shared.alertsWritten(spikes)
                alerted = !spikes.isEmpty
            }
        } catch {
            // Checks cut short by the shutdown are not failures.
            if !Task.isCancelled { logger.error("spike check failed: \(error)") }
        }
        let routes = OperatorEventDrain.routes(sinks)
        do {
            try await checkFeeds(config: config, routes: routes, now: now)
            try await checkSinks(config: config, sinks: sinks, routes: routes, now: now)
        } catch {
            if !Task.isCancelled { logger.error("operator event check failed: \(error)") }
        }
        let drain = OperatorEventDrain(
            outputDirectory: config.daemon.outputDirectory, timeZone: config.digest.timeZone, store: store,
            logger: logger)
        do {
            try await drain.writeFile(at: now)
        } catch {
            if !Task.isCancelled { logger.error("operator events: \(error)") }
        }
        switch sending {
        case .inBackground: senders.start(drain, sinks: sinks, at: now)
        case .awaited(let deadline): await drain.deliverAll(sinks: sinks, at: now, deadline: deadline)
        }
        return alerted
    }

    /// Cancels the event passes in flight (graceful shutdown); their events stay owed.
    func stop() { senders.cancelAll() }

    private func checkFeeds(config: NewswatchConfig, routes: [EventRoute], now: Date) async throws {
        let rule = FeedDownRule(downAfter: config.daemon.feedDownAfter.timeInterval)
        let open = try await store.openIncidents()
        let intervals = Dictionary(
            config.feeds.map { ($0.key, $0.interval.timeInterval) },
            uniquingKeysWith: { a, _ in a })
        for state in try await store.feedStates(includeInactive: false) {
            let subject = "feed:" + state.key
            let interval = intervals[state.key] ?? config.daemon.interval.timeInterval
            let firstSeen = firstFailures.withLock { seen -> Date? in
                if state.consecutiveFailures == 0 {
                    seen[state.key] = nil
                } else if seen[state.key] == nil {
                    seen[state.key] = now
                }
                return seen[state.key]
            }
            if let since = open[subject] {
                guard rule.isBack(state, interval: interval, now: now) else { continue }
                try await raise(
                    .feedRecovered, subject: subject, name: state.name, url: state.url, since: since,
                    error: nil, now: now, routes: routes)
            } else if let since = rule.downSince(state, interval: interval, now: now, firstFailureSeen: firstSeen) {
                try await raise(
                    .feedDown, subject: subject, name: state.name, url: state.url, since: since,
                    error: state.error ?? "no new item since \(Timestamp.format(since))", now: now, routes: routes)
            }
        }
    }

    /// A sink is failing when its oldest owed alert has failed at least once and has waited `feed_down_after`;
    /// one `sink_failing` per incident, which ends (without an event) when no such alert is left.
    private func checkSinks(config: NewswatchConfig, sinks: [ConfiguredSink], routes: [EventRoute], now: Date)
        async throws
    {
        let open = try await store.openIncidents()
        let failing = try await store.failingSinks(
            owedSince: now.addingTimeInterval(-config.daemon.feedDownAfter.timeInterval))
        let names = Dictionary(sinks.map { ($0.id, $0.sink.displayName) }, uniquingKeysWith: { a, _ in a })
        for sink in failing where open["sink:" + sink.sink] == nil {
            try await raise(
                .sinkFailing, subject: "sink:" + sink.sink, name: names[sink.sink] ?? sink.sink, url: nil,
                since: sink.since, error: sink.error, now: now, routes: routes)
        }
        let still = Set(failing.map { "sink:" + $0.sink })
        for subject in open.keys where subject.hasPrefix("sink:") && !still.contains(subject) {
            try await store.closeIncident(subject: subject)
        }
    }

    private func raise(
        _ kind: OperatorEventKind, subject: String, name: String, url: String?, since: Date, error: String?, now: Date,
        routes: [EventRoute]
    ) async throws {
        // The raising instant is in the id: a subject can go down again with the same `since` (a silent feed whose
        // interval a reload toggles), and that is a new incident with an event of its own.
        let id = ContentHash.hex(fields: [
            "event", kind.rawValue, subject, String(Int64(since.timeIntervalSince1970)),
            String(Int64(now.timeIntervalSince1970)),
        ])
        let event = OperatorEvent(
            id: id, kind: kind, feed: name, url: url.map(URLRedaction.redact), since: since, error: error, at: now)
        if try await store.raiseEvent(event, subject: subject, routes: routes) {
            logger.warning("\(AlertPayload.eventTitle(event))", metadata: ["since": "\(Timestamp.format(since))"])
        }
    }
}
