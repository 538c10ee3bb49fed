import Foundation
import NewswatchAlerts
import NewswatchConfig
import NewswatchCore
import NewswatchStore

/// What `newswatch status` shows: per configured feed its health, per sink its outbox, and totals (CONTRACT §7).
public struct StatusReport: Sendable, Equatable {
    /// One configured feed.
    public struct Feed: Sendable, Equatable {
        public var name: String
        /// The feed's URL; `nil` for a `path =` feed.
        public var url: String?
        public var lastFetch: Date?
        public var httpStatus: Int?
        /// The last fetch's error; `nil` when it succeeded (or never ran).
        public var error: String?
        public var consecutiveFailures: Int
        /// Items stored for this feed.
        public var items: Int
        public var nextDue: Date?
        /// Fetches succeed but no new item came for much longer than the feed's cadence (see ``isSilent``).
        public var silent: Bool
        /// What the last ingest left out, e.g. `truncated: 50000 items in the feed, 1000 kept`; `nil` when nothing.
        public var warning: String?
        /// Detection delay percentiles over the last 7 days; `nil` without dated new items (CONTRACT §11).
        public var detectionDelay: DelayPercentiles?

        public init(
            name: String, url: String?, lastFetch: Date? = nil, httpStatus: Int? = nil, error: String? = nil,
            consecutiveFailures: Int = 0, items: Int = 0, nextDue: Date? = nil, silent: Bool = false,
            warning: String? = nil
        ) {
            self.name = name
            self.url = url
            self.lastFetch = lastFetch
            self.httpStatus = httpStatus
            self.error = error
            self.consecutiveFailures = consecutiveFailures
            self.items = items
            self.nextDue = nextDue
            self.silent = silent
            self.warning = warning
        }

        /// Whether the last fetch failed.
        public var failing: Bool { error != nil || consecutiveFailures > 0 }
    }

    /// One sink: the file sink, then each configured sink in config order.
    public struct Sink: Sendable, Equatable {
        /// `file`, `webhook`, `email` or `exec`.
        public var type: String
        /// The outbox id (`file`, `webhook:…`), in the table and the JSON: it tells two sinks to one destination apart.
        public var id: String
        /// Where it delivers, as ``SinkName`` shows it (scheme and host, or the program's name); table only.
        public var target: String
        public var pending: Int
        public var givenUp: Int
        /// Deliveries held through quiet hours, and waiting in open batch periods (CONTRACT §10).
        public var held = 0
        public var batched = 0
        /// When the next held or batched message goes.
        public var nextBatch: Date?
        /// Operator events owed to this sink, and given up (CONTRACT §10).
        public var eventsPending = 0
        public var eventsGivenUp = 0

        public init(type: String, id: String, target: String = "", pending: Int, givenUp: Int) {
            self.type = type
            self.id = id
            self.target = target
            self.pending = pending
            self.givenUp = givenUp
        }
    }

    public struct Totals: Sendable, Equatable {
        public var feeds: Int
        public var failing: Int
        public var items: Int
        /// Alerts detected since the start of today in the digest time zone.
        public var alertsToday: Int

        public init(feeds: Int, failing: Int, items: Int, alertsToday: Int) {
            self.feeds = feeds
            self.failing = failing
            self.items = items
            self.alertsToday = alertsToday
        }
    }

    public var feeds: [Feed]
    public var sinks: [Sink]
    public var totals: Totals
    /// The desk's verdicts on alerts per topic (`newswatch feedback`), by topic id.
    public var verdicts: [VerdictCount] = []
    /// Open operator incidents, oldest first (CONTRACT §10).
    public var incidents: [Incident] = []
    /// The daemons sharing a PostgreSQL store (CONTRACT §9); `nil` with SQLite.
    public var daemons: [Daemon]?
    /// The `run --once` round holding a PostgreSQL store now (at most one; daemons claim no feed meanwhile).
    public var runOnce: [RunOnceHolder] = []

    public init(feeds: [Feed], sinks: [Sink], totals: Totals) {
        self.feeds = feeds
        self.sinks = sinks
        self.totals = totals
    }

    /// How long a feed whose fetches succeed may bring nothing new before it is flagged: the longer of 3 days and
    /// 20 poll intervals (a 10-minute feed: 3 days; a daily feed: 20 days).
    public static func silenceThreshold(interval: TimeInterval) -> TimeInterval {
        max(3 * 86400, 20 * interval)
    }

    /// Whether a feed is silent at `now`: it has fetched successfully, its last fetch did not fail, and its last new
    /// item (or, if it never brought one after the first fetch, its first successful fetch) is longer ago than
    /// ``silenceThreshold(interval:)``. A failing feed is reported as failing, not silent.
    public static func isSilent(_ state: FeedState, interval: TimeInterval, now: Date) -> Bool {
        guard state.error == nil, state.consecutiveFailures == 0, state.lastSuccess != nil,
            let since = state.lastNewItem ?? state.firstSuccess
        else { return false }
        return now.timeIntervalSince(since) > silenceThreshold(interval: interval)
    }

    /// The report for `config` from `store` (`nil`: no database yet — every feed never fetched, every count 0).
    public static func build(config: NewswatchConfig, store: (any Store)?, now: Date) async throws -> StatusReport {
        let states = try await store?.feedStates(includeInactive: true) ?? []
        let byKey = Dictionary(states.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let counts = try await store?.itemCounts() ?? [:]
        let delays = try await detectionDelays(config: config, store: store, now: now)
        var feeds: [Feed] = []
        for feed in config.feeds {
            let key = feed.key
            // Shown and matched without user-info: the store never holds a feed's credentials (CONTRACT §4).
            let url: String? = if case .url(let u) = feed.source { URLRedaction.redact(u.absoluteString) } else { nil }
            // The daemon stores feeds under `FeedConfig.key`; a store written with another key form still matches by URL.
            let state = byKey[key] ?? url.flatMap { u in states.first { $0.url == u && $0.active } }
            var row = Feed(name: feed.name ?? state?.name ?? url ?? feed.source.description, url: state?.url ?? url)
            if let state {
                row.lastFetch = state.lastFetch
                row.httpStatus = state.httpStatus
                row.error = state.error
                row.consecutiveFailures = state.consecutiveFailures
                row.nextDue = state.schedule.nextDue
                row.silent = isSilent(state, interval: TimeInterval(feed.interval.seconds), now: now)
                row.warning = state.warning
            }
            row.items = counts[state?.key ?? key] ?? 0
            row.detectionDelay = DelayPercentiles(delays[state?.key ?? key] ?? [])
            feeds.append(row)
        }

        let summaries = Dictionary(
            (try await store?.sinkSummaries() ?? []).map { ($0.sink, $0) }, uniquingKeysWith: { first, _ in first })
        var sinks: [Sink] = []
        let alertsDirectory = config.daemon.outputDirectory.appendingPathComponent("alerts").path
        let configured =
            [(SinkRoute.fileSinkID, "file", alertsDirectory)]
            + zip(config.sinks, ConfiguredSink.outboxIDs(config.sinks)).map { sink, id in
                (id, sink.type, SinkName.target(sink))
            }
        for (id, type, target) in configured {
            sinks.append(
                Sink(
                    type: type, id: id, target: target, pending: summaries[id]?.pending ?? 0,
                    givenUp: summaries[id]?.givenUp ?? 0))
        }

        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = config.digest.timeZone
        let today = calendar.startOfDay(for: now)
        let alertsToday = try await store?.totals(alertsSince: today).alertsSince ?? 0
        let totals = Totals(
            feeds: feeds.count, failing: feeds.filter(\.failing).count, items: feeds.reduce(0) { $0 + $1.items },
            alertsToday: alertsToday)
        var report = StatusReport(feeds: feeds, sinks: sinks, totals: totals)
        try await report.addDeliveryTimings(from: store, now: now)
        try await report.addOperatorEvents(from: store, config: config)
        report.verdicts = try await store?.verdictCounts() ?? []
        return report
    }

    // MARK: - Output

    /// The JSON of CONTRACT §7: every key present, `null` where unknown, times as `YYYY-MM-DDTHH:MM:SSZ`.
    public var json: JSONValue {
        .object([
            (
                "feeds",
                .array(
                    feeds.map { f in
                        .object([
                            ("name", .string(f.name)), ("url", .string(f.url)), ("last_fetch", .timestamp(f.lastFetch)),
                            ("http_status", f.httpStatus.map { .int($0) } ?? .null), ("error", .string(f.error)),
                            ("consecutive_failures", .int(f.consecutiveFailures)), ("items", .int(f.items)),
                            ("next_due", .timestamp(f.nextDue)), ("silent", .bool(f.silent)),
                            ("warning", .string(f.warning)),
                            ("detection_delay_p50", f.detectionDelay.map { .int(Int($0.p50)) } ?? .null),
                            ("detection_delay_p95", f.detectionDelay.map { .int(Int($0.p95)) } ?? .null),
                        ])
                    })
            ),
            (
                "sinks",
                .array(
                    sinks.map { s in
                        .object([
                            ("type", .string(s.type)), ("pending", .int(s.pending)), ("given_up", .int(s.givenUp)),
                            ("held", .int(s.held)), ("batched", .int(s.batched)), ("id", .string(s.id)),
                            ("next_batch", .timestamp(s.nextBatch)), ("events_pending", .int(s.eventsPending)),
                            ("events_given_up", .int(s.eventsGivenUp)),
                        ])
                    })
            ),
            (
                "totals",
                .object([
                    ("feeds", .int(totals.feeds)), ("failing", .int(totals.failing)), ("items", .int(totals.items)),
                    ("alerts_today", .int(totals.alertsToday)),
                ])
            ),
            ("incidents", incidentsJSON), ("verdicts", verdictsJSON),
        ] + daemonsJSON)
    }

    /// The readable table: one line per feed (status `ok`, `FAILING`, `silent` or `never`), then sinks, then totals.
    public func table(now: Date) -> String {
        func time(_ date: Date?) -> String { date.map(Timestamp.format) ?? "-" }
        var rows: [[String]] = [["FEED", "STATUS", "HTTP", "LAST FETCH", "NEXT DUE", "ITEMS", "FAILURES", "ERROR"]]
        for f in feeds {
            let status =
                f.lastFetch == nil ? "never" : f.failing ? "FAILING" : f.silent ? "silent" : "ok"
            rows.append([
                f.name, status, f.httpStatus.map(String.init) ?? "-", time(f.lastFetch), time(f.nextDue),
                String(f.items), String(f.consecutiveFailures), f.error.map { Self.oneLine($0, limit: 80) } ?? "",
            ])
        }
        var out = Self.align(rows)
        for f in feeds {
            if let warning = f.warning { out += "warning: \(f.name): \(Self.oneLine(warning, limit: 200))\n" }
        }
        out += detectionDelayLines
        out += "\n"
        var sinkRows: [[String]] = [
            [
                "SINK", "TARGET", "ID", "PENDING", "GIVEN UP", "HELD", "BATCHED", "NEXT BATCH", "EVENTS PENDING",
                "EVENTS GIVEN UP",
            ]
        ]
        for s in sinks {
            sinkRows.append([
                s.type, s.target, s.id, String(s.pending), String(s.givenUp), String(s.held), String(s.batched),
                time(s.nextBatch), String(s.eventsPending), String(s.eventsGivenUp),
            ])
        }
        out += Self.align(sinkRows)
        out += "\n"
        out += incidentLines
        out += daemonLines
        out +=
            "feeds \(totals.feeds), failing \(totals.failing), items \(totals.items), "
            + "alerts today \(totals.alertsToday) (as of \(Timestamp.format(now)))\n"
        out += verdictLines
        return out
    }

    /// Columns padded to their widest cell (by characters); the last column is not padded.
    static func align(_ rows: [[String]]) -> String {
        guard let columns = rows.map(\.count).max() else { return "" }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }

    static func oneLine(_ text: String, limit: Int) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count > limit ? String(flat.prefix(limit - 1)) + "…" : flat
    }
}
