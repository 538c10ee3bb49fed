import Foundation
import NewswatchCore
import NewswatchStore

/// One `[[alerts.sinks]]` entry made ready for the dispatcher: the sink, its stable outbox id, its topic filter, its
/// rate limit and its batch window.
package struct ConfiguredSink: Sendable {
    /// The id its outbox rows carry: `<type>:<12 hex digits of SHA-256 of its target>`, e.g. `webhook:3f9a…`.
    ///
    /// The target is what identifies the destination — a webhook's URL, an email sink's server and recipients, an
    /// exec sink's command — so reordering the config, changing a format, a secret or a limit, or reloading keeps
    /// the pending deliveries attached; pointing a sink elsewhere starts a new outbox.
    package var id: String
    package var sink: any AlertSink
    /// Topic ids this sink receives; `nil`: all.
    package var topics: Set<String>?
    /// Per topic per hour; `nil`: unlimited.
    package var maxPerHour: Int?
    /// An email sink's `batch` window in seconds; `nil`: one message per alert.
    package var batchWindow: TimeInterval?
    /// Operator events this sink receives (`events`); empty: none.
    package var events: Set<OperatorEventKind> = []

    package init(
        id: String, sink: any AlertSink, topics: Set<String>? = nil, maxPerHour: Int? = nil,
        batchWindow: TimeInterval? = nil
    ) {
        self.id = id
        self.sink = sink
        self.topics = topics
        self.maxPerHour = maxPerHour
        self.batchWindow = batchWindow
    }

    /// The route the ingest uses to create this sink's delivery rows.
    package var route: SinkRoute { SinkRoute(id: id, topics: topics) }

    /// The outbox id for a sink of `type` delivering to `target` (see ``id``).
    package static func stableID(type: String, target: String) -> String {
        type + ":" + SHA256.hash(Array(target.utf8)).prefix(6).lowercaseHex
    }

    /// Whether mail to `host` stays on this machine (`localhost`, `127.0.0.0/8`, `::1`).
    package static func isLoopbackHost(_ host: String?) -> Bool {
        guard var host = host?.lowercased() else { return false }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
