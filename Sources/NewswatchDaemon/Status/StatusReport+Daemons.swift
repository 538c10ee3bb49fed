import Foundation
import NewswatchCore
import NewswatchStore

// The daemons sharing a PostgreSQL store in `status` (CONTRACT §9): who runs where, and which feeds each holds.
extension StatusReport {
    /// One daemon sharing the store, as `status` shows it.
    public struct Daemon: Sendable, Equatable {
        /// The machine it runs on.
        public var host: String
        public var pid: Int
        public var lastHeartbeat: Date
        /// The keys (URLs without user-info) of the feeds it holds a lease on now, in byte order.
        public var feedsHeld: [String]

        /// The row of a registry record.
        public init(_ record: DaemonRecord) {
            host = record.hostName
            pid = record.pid
            lastHeartbeat = record.lastHeartbeat
            feedsHeld = record.feedsHeld
        }

        /// `{"host", "pid", "last_heartbeat", "feeds_held": […]}`.
        var json: JSONValue {
            .object([
                ("host", .string(host)), ("pid", .int(pid)), ("last_heartbeat", .timestamp(lastHeartbeat)),
                ("feeds_held", .array(feedsHeld.map { .string($0) })),
            ])
        }
    }

    /// A `run --once` round holding the store, by its connection's `application_name` ("newswatch run --once HOST PID
    /// N") and since when that connection exists.
    public struct RunOnceHolder: Sendable, Equatable {
        public var connection: String
        public var since: Date

        public init(connection: String, since: Date) {
            self.connection = connection
            self.since = since
        }
    }

    /// Fills ``runOnce`` from `PostgresStore.roundsHoldingStore()`.
    public mutating func addRunOnce(_ holders: [(name: String, since: Date)]) {
        runOnce = holders.map { RunOnceHolder(connection: $0.name, since: $0.since) }
    }

    /// Fills ``daemons`` from the registry's records (`PostgresStore.daemons(at:)`); with SQLite it stays `nil`.
    public mutating func addDaemons(_ records: [DaemonRecord]) {
        daemons = records.map(Daemon.init)
    }

    /// `"run_once"` and `"daemons"` of `status --json`: the round holding the store (empty, or one), then one record
    /// per daemon; both keys are absent with SQLite (one process at a time, no registry).
    var daemonsJSON: [(String, JSONValue)] {
        guard let daemons else { return [] }
        let runOnce = runOnce.map {
            JSONValue.object([("connection", .string($0.connection)), ("since", .timestamp($0.since))])
        }
        return [("run_once", .array(runOnce)), ("daemons", .array(daemons.map(\.json)))]
    }

    /// The daemons as table lines after the sinks: one row each, then the feeds each holds; nothing with SQLite.
    var daemonLines: String {
        guard let daemons else { return "" }
        var rows = [["DAEMON HOST", "PID", "LAST HEARTBEAT", "FEEDS HELD"]]
        for d in daemons {
            rows.append([d.host, String(d.pid), Timestamp.format(d.lastHeartbeat), String(d.feedsHeld.count)])
        }
        var out = Self.align(rows)
        for d in daemons where !d.feedsHeld.isEmpty {
            out += "held by \(d.host) \(d.pid): \(Self.oneLine(d.feedsHeld.joined(separator: ", "), limit: 200))\n"
        }
        for r in runOnce {
            out +=
                "store held by \(Self.oneLine(r.connection, limit: 80)) since \(Timestamp.format(r.since)): "
                + "daemons claim no feed until it ends\n"
        }
        return out + "\n"
    }
}
