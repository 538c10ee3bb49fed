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

    /// Fills ``daemons`` from the registry's records (`PostgresStore.daemons(at:)`); with SQLite it stays `nil`.
    public mutating func addDaemons(_ records: [DaemonRecord]) {
        daemons = records.map(Daemon.init)
    }

    /// `"daemons"` of `status --json`: one record per daemon; the key is absent with SQLite (one daemon, no registry).
    var daemonsJSON: [(String, JSONValue)] {
        guard let daemons else { return [] }
        return [("daemons", .array(daemons.map(\.json)))]
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
        return out + "\n"
    }
}
