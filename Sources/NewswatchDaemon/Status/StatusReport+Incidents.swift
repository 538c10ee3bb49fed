import Foundation
import NewswatchConfig
import NewswatchCore
import NewswatchStore

// Operator events in `status` (CONTRACT §10): the open incidents, and per sink the events it is owed and has given up.
extension StatusReport {
    /// An open `feed_down` or `sink_failing` incident, shown as the event that opened it.
    public struct Incident: Sendable, Equatable {
        /// `feed_down` or `sink_failing`.
        public var kind: OperatorEventKind
        /// The feed's name, or the sink's type and target.
        public var name: String
        /// The feed's URL without user-info; `nil` for a sink or a `path =` feed.
        public var url: String?
        public var since: Date
        public var error: String?

        /// The record: `{"kind", "feed", "url", "since", "error"}`, as the event that opened it.
        var json: JSONValue {
            .object([
                ("kind", .string(kind.rawValue)), ("feed", .string(name)), ("url", .string(url)),
                ("since", .timestamp(since)), ("error", .string(error)),
            ])
        }
    }

    /// Fills ``incidents`` and each sink's event counts from the store (a store without operator events: none).
    mutating func addOperatorEvents(from store: (any Store)?, config: NewswatchConfig) async throws {
        guard let store else { return }
        let outboxes = Dictionary(
            try await store.eventSinkSummaries().map { ($0.sink, $0) }, uniquingKeysWith: { first, _ in first })
        for i in sinks.indices {
            sinks[i].eventsPending = outboxes[sinks[i].id]?.pending ?? 0
            sinks[i].eventsGivenUp = outboxes[sinks[i].id]?.givenUp ?? 0
        }
        let open = try await store.incidents()
        guard !open.isEmpty else { return }
        let states = Dictionary(
            try await store.feedStates(includeInactive: true).map { ($0.key, $0) },
            uniquingKeysWith: { first, _ in first })
        let names = Dictionary(
            config.feeds.map { ($0.key, $0.name) }, uniquingKeysWith: { first, _ in first })
        incidents = open.map { incident in
            if incident.subject.hasPrefix("sink:") {
                let id = String(incident.subject.dropFirst("sink:".count))
                let name = sinks.first { $0.id == id }.map { "\($0.type) \($0.target)" } ?? id
                return Incident(kind: .sinkFailing, name: name, since: incident.since, error: incident.error)
            }
            let key = String(incident.subject.dropFirst("feed:".count))
            let url = states[key]?.url.map(URLRedaction.redact)
            let name = (names[key] ?? nil) ?? states[key]?.name ?? url ?? URLRedaction.redact(key)
            return Incident(kind: .feedDown, name: name, url: url, since: incident.since, error: incident.error)
        }
    }

    /// The incidents as table lines after the sinks; nothing when none is open.
    var incidentLines: String {
        guard !incidents.isEmpty else { return "" }
        var rows = [["INCIDENT", "SUBJECT", "SINCE", "ERROR"]]
        for incident in incidents {
            rows.append([
                incident.kind.rawValue, incident.name, Timestamp.format(incident.since),
                incident.error.map { Self.oneLine($0, limit: 80) } ?? "",
            ])
        }
        return Self.align(rows) + "\n"
    }

    /// `"incidents"` of `status --json`.
    var incidentsJSON: JSONValue { .array(incidents.map(\.json)) }
}
