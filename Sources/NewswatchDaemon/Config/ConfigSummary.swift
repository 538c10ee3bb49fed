import Foundation
import NewswatchAlerts
import NewswatchConfig
import NewswatchCore
import NewswatchDigest

/// The human-readable summary `newswatch check-config` prints: where the config came from, daemon and digest
/// settings, every feed, every topic with its queries in canonical form, and the sinks.
public enum ConfigSummary {
    /// The summary, one item per line, ending with an `ok:` line.
    public static func render(_ loaded: LoadedConfig, queries: QueryValidation = .standard) -> String {
        let c = loaded.config
        let d = c.daemon
        var out: [String] = []
        out.append("config: \(loaded.location)")
        out.append("daemon:")
        let settings: [(String, String)] = [
            ("state_dir", d.stateDirectory.path), ("output_dir", d.outputDirectory.path),
            ("interval", d.interval.description), ("concurrency", String(d.concurrency)),
            ("user_agent", d.userAgent), ("retention", d.retention.description),
            ("backfill", d.backfill.description), ("allow_private_networks", String(d.allowPrivateNetworks)),
            ("connect_timeout", d.connectTimeout.description), ("timeout", d.timeout.description),
            ("max_body", d.maxBody.description), ("max_items", String(d.maxItems)), ("log_level", d.logLevel.rawValue),
        ]
        for (key, value) in settings {
            out.append("  \(key.padding(toLength: 23, withPad: " ", startingAt: 0))\(value)")
        }
        out.append(
            "digest: \(c.digest.time) \(c.digest.timeZone.displayName), formats "
                + c.digest.formats.map(\.rawValue).joined(separator: ", "))
        out.append("feeds (\(c.feeds.count)):")
        for f in c.feeds {
            var details = ["every \(f.interval)"]
            if !f.tags.isEmpty { details.append("tags " + f.tags.joined(separator: ", ")) }
            if let opml = f.opml { details.append("from \(opml.lastPathComponent)") }
            let kind = if case .file = f.source { "path" } else { "url" }
            out.append("  \(f.name ?? "(feed title)"): \(kind) \(f.source) (\(details.joined(separator: "; ")))")
        }
        out.append("topics (\(c.topics.count)):")
        for t in c.topics {
            let delivery = t.alert ? t.delivery.summary : "digest only"
            out.append("  \(t.id): \(t.name) (priority \(t.priority.rawValue), \(delivery))")
            out.append("    query:   \(oneLine(queries.canonical(t.query)))")
            if let exclude = t.exclude { out.append("    exclude: \(oneLine(queries.canonical(exclude)))") }
            if !t.feeds.isEmpty { out.append("    feeds:   \(t.feeds.joined(separator: ", "))") }
        }
        out.append("sinks (\(c.sinks.count + 1)):")
        out.append("  file: \(c.daemon.outputDirectory.appendingPathComponent("alerts").path)/YYYY-MM-DD.jsonl")
        for s in c.sinks {
            var details: [String] = []
            // Shown by scheme and host (or the program's name) only: a webhook URL or a command's arguments are
            // often a token (SinkName).
            switch s {
            case .webhook(let w):
                details.append("format \(w.format.rawValue)")
                if w.secretFile != nil { details.append("signed") }
                if let chat = w.chatID { details.append("chat \(chat)") }
                if let room = w.room { details.append("room \(room)") }
                if w.tokenFile != nil { details.append("token from file") }
            case .email(let e):
                details.append("from \(e.from) to \(e.to.joined(separator: ", "))")
                if let batch = e.batch { details.append("batch \(batch)") }
            case .exec(let x):
                details.append("\(x.command.count - 1) argument\(x.command.count == 2 ? "" : "s")")
                details.append("timeout \(x.timeout)")
            }
            details.append("topics " + (s.common.topics.map { $0.joined(separator: ", ") } ?? "all"))
            if let max = s.common.maxPerHour { details.append("at most \(max) per hour per topic") }
            out.append("  \(s.type): \(SinkName.target(s)) (\(details.joined(separator: "; ")))")
        }
        for w in loaded.warnings { out.append("warning: \(w)") }
        out.append(
            "ok: \(c.feeds.count) feed\(c.feeds.count == 1 ? "" : "s"), \(c.topics.count) topic"
                + "\(c.topics.count == 1 ? "" : "s"), \(c.sinks.count + 1) sink\(c.sinks.isEmpty ? "" : "s")")
        return out.joined(separator: "\n") + "\n"
    }

    /// Whitespace runs (multi-line queries) as single spaces, so each query is one line of the summary.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
