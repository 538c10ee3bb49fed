import Foundation
import Logging
import NewswatchCore
import NewswatchStore

/// One `[[alerts.sinks]]` entry made ready for the dispatcher: the sink, its stable outbox id, its topic filter, its
/// rate limit and its batch window.
public struct ConfiguredSink: Sendable {
    /// The id its outbox rows carry: `<type>:<12 hex digits of SHA-256 of its target>`, e.g. `webhook:3f9a…`.
    ///
    /// The target is what identifies the destination — a webhook's URL, an email sink's server and recipients, an
    /// exec sink's command — so reordering the config, changing a format, a secret or a limit, or reloading keeps
    /// the pending deliveries attached; pointing a sink elsewhere starts a new outbox.
    public var id: String
    public var sink: any AlertSink
    /// Topic ids this sink receives; `nil`: all.
    public var topics: Set<String>?
    /// Per topic per hour; `nil`: unlimited.
    public var maxPerHour: Int?
    /// An email sink's `batch` window in seconds; `nil`: one message per alert.
    public var batchWindow: TimeInterval?

    public init(
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
    public var route: SinkRoute { SinkRoute(id: id, topics: topics) }

    /// Builds every configured sink over `transport`, reading `secret_file` and `password_file`.
    ///
    /// `smtp://` to a loopback host (`localhost`, `127.0.0.0/8`, `::1`) uses STARTTLS when the server offers it but
    /// does not require it: mail to a local relay never leaves the machine, and such relays often have no
    /// certificate. Everywhere else `smtp://` requires STARTTLS.
    /// - Throws: `ConfigError` (`.unreadable`, exit 66) when a secret or password file cannot be read.
    public static func make(
        from configs: [SinkConfig], transport: any AlertTransport, logger: Logger
    ) throws(ConfigError) -> [ConfiguredSink] {
        var sinks: [ConfiguredSink] = []
        var used: Set<String> = []
        for config in configs {
            let sink: any AlertSink
            var batch: TimeInterval?
            switch config {
            case .webhook(let w):
                let secret = try w.secretFile.map { (file: URL) throws(ConfigError) -> [UInt8] in
                    WebhookAlertSink.secret(fromFileContents: try read(file, what: "secret_file"))
                }
                sink = WebhookAlertSink(
                    url: w.url.absoluteString, format: w.format, secret: secret, timeout: .seconds(30),
                    transport: transport)
            case .email(let e):
                let password = try e.passwordFile.map { (file: URL) throws(ConfigError) -> String in
                    String(
                        decoding: WebhookAlertSink.secret(fromFileContents: try read(file, what: "password_file")),
                        as: UTF8.self)
                }
                batch = e.batch.map { TimeInterval($0.seconds) }
                sink = EmailAlertSink(
                    url: e.url.absoluteString, from: e.from, to: e.to, username: e.username, password: password,
                    batch: e.batch.map { .seconds($0.seconds) }, requireTLS: !isLoopbackHost(e.url.host),
                    timeout: .seconds(30), transport: transport)
            case .exec(let x):
                sink = ExecAlertSink(command: x.command, timeout: .seconds(x.timeout.seconds), logger: logger)
            }
            var id = stableID(config)
            if used.contains(id) {
                // The same destination twice (e.g. two topic filters to one webhook): tell them apart by the rest.
                id = stableID(type: config.type, target: target(config) + "\n" + String(describing: config))
            }
            used.insert(id)
            sinks.append(
                ConfiguredSink(
                    id: id, sink: sink, topics: config.common.topics.map(Set.init),
                    maxPerHour: config.common.maxPerHour,
                    batchWindow: batch))
        }
        return sinks
    }

    /// The stable outbox id of a configured sink (see ``id``).
    public static func stableID(_ config: SinkConfig) -> String {
        stableID(type: config.type, target: target(config))
    }

    static func stableID(type: String, target: String) -> String {
        type + ":" + SHA256.hash(Array(target.utf8)).prefix(6).lowercaseHex
    }

    /// What names the destination of a sink.
    static func target(_ config: SinkConfig) -> String {
        switch config {
        case .webhook(let w): return w.url.absoluteString
        case .email(let e):
            return e.url.absoluteString + "\n" + e.to.map { $0.lowercased() }.sorted().joined(separator: ",")
        case .exec(let x): return x.command.joined(separator: "\u{0}")
        }
    }

    static func isLoopbackHost(_ host: String?) -> Bool {
        guard var host = host?.lowercased() else { return false }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    private static func read(_ file: URL, what: String) throws(ConfigError) -> Data {
        do {
            return try Data(contentsOf: file)
        } catch {
            throw ConfigError(
                kind: .unreadable, file: file.path,
                message: "cannot read the \(what) (\(error.localizedDescription)); check its permissions")
        }
    }
}
