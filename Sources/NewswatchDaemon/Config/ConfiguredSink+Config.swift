import Foundation
import Logging
import NewswatchAlerts
import NewswatchConfig
import NewswatchCore

// Building sinks from `[[alerts.sinks]]` lives here, where the config and the alerts meet: NewswatchAlerts knows
// nothing of the config file (DESIGN.md), and reading `secret_file`/`password_file` reports `ConfigError`s.
extension ConfiguredSink {
    /// Builds every configured sink over `transport`, reading `secret_file` and `password_file`.
    ///
    /// `smtp://` to a loopback host (`localhost`, `127.0.0.0/8`, `::1`) uses STARTTLS when the server offers it but
    /// does not require it: mail to a local relay never leaves the machine, and such relays often have no
    /// certificate. Everywhere else `smtp://` requires STARTTLS.
    /// - Throws: `ConfigError` (`.unreadable`, exit 66) when a secret or password file cannot be read.
    package static func make(
        from configs: [SinkConfig], transport: any AlertTransport, logger: Logger
    ) throws(ConfigError) -> [ConfiguredSink] {
        var sinks: [ConfiguredSink] = []
        for (config, id) in zip(configs, outboxIDs(configs)) {
            let sink: any AlertSink
            var batch: TimeInterval?
            switch config {
            case .webhook(let w):
                let secret = try w.secretFile.map { (file: URL) throws(ConfigError) -> [UInt8] in
                    WebhookAlertSink.secret(fromFileContents: try read(file, what: "secret_file"))
                }
                let token = try w.tokenFile.map { (file: URL) throws(ConfigError) -> String in
                    try accessToken(file, format: w.format)
                }
                sink = WebhookAlertSink(
                    url: w.url.absoluteString, format: webhookFormat(w.format), secret: secret, timeout: .seconds(30),
                    token: token, chatID: w.chatID, room: w.room, transport: transport)
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
            sinks.append(
                ConfiguredSink(
                    id: id, sink: sink, topics: config.common.topics.map(Set.init),
                    maxPerHour: config.common.maxPerHour,
                    batchWindow: batch))
            sinks[sinks.count - 1].events = config.common.events
        }
        return sinks
    }

    /// The outbox ids of `configs`, in order (`make` and `status` both use them): each sink's `stableID`, and for a
    /// destination listed again (e.g. two topic filters to one webhook) one told apart by the sink's other settings.
    ///
    /// Only text that is the same in every process goes into an id: `String(describing:)` of a `Set` (the sink's
    /// `events`) changes order from one run to the next, which gave such a sink a new outbox on every restart or
    /// reload and left its owed deliveries under an id no worker served (review 12). A sink whose `events` names at
    /// most one kind printed the same every time: it keeps that id, and with it the deliveries owed under it.
    package static func outboxIDs(_ configs: [SinkConfig]) -> [String] {
        var used: Set<String> = []
        return configs.map { config in
            var candidates = [target(config)]
            if config.common.events.count <= 1 { candidates.append(target(config) + "\n" + String(describing: config)) }
            candidates.append(target(config) + "\n" + settings(config))
            var id = ""
            var again = 0
            repeat {
                // Entries alike in every setting too: their place among the alike ones.
                let text = again < candidates.count ? candidates[again] : candidates.last! + "\n#\(again)"
                id = stableID(type: config.type, target: text)
                again += 1
            } while used.contains(id)
            used.insert(id)
            return id
        }
    }

    /// A sink's settings besides its destination and its secrets, in a fixed order.
    private static func settings(_ config: SinkConfig) -> String {
        let common = config.common
        let topics: String = common.topics.map { $0.sorted().joined(separator: ",") } ?? "*"
        let limit: String = common.maxPerHour.map { String($0) } ?? "-"
        let events: String = common.events.map(\.rawValue).sorted().joined(separator: ",")
        var lines: [String] = ["topics \(topics)", "max_per_hour \(limit)", "events \(events)"]
        switch config {
        case .webhook(let w): lines.append("format \(w.format.rawValue)")
        case .email(let e):
            let batch: String = e.batch.map { String($0.seconds) } ?? "-"
            lines += ["from \(e.from)", "batch \(batch)"]
        case .exec(let x): lines.append("timeout \(x.timeout.seconds)")
        }
        return lines.joined(separator: "\n")
    }

    /// The stable outbox id of a configured sink (see ``id``).
    package static func stableID(_ config: SinkConfig) -> String {
        stableID(type: config.type, target: target(config))
    }

    /// What names the destination of a sink.
    package static func target(_ config: SinkConfig) -> String {
        switch config {
        case .webhook(let w):
            // A chat service's URL is shared by every chat and room on it; the chat or room names the destination.
            switch w.format {
            case .telegram: return w.url.absoluteString + "\nchat " + (w.chatID ?? "")
            case .matrix: return w.url.absoluteString + "\nroom " + (w.room ?? "")
            case .json, .slack, .teams, .ntfy: return w.url.absoluteString
            }
        case .email(let e):
            return e.url.absoluteString + "\n" + e.to.map { $0.lowercased() }.sorted().joined(separator: ",")
        case .exec(let x): return x.command.joined(separator: "\u{0}")
        }
    }

    private static func webhookFormat(_ format: SinkConfig.Webhook.Format) -> WebhookAlertSink.Format {
        switch format {
        case .json: .json
        case .slack: .slack
        case .teams: .teams
        case .ntfy: .ntfy
        case .telegram: .telegram
        case .matrix: .matrix
        }
    }

    /// The token in `file`, without the trailing newline: visible ASCII only, since it goes into a header (and
    /// Telegram's into the URL path), where a space or a line break would split or corrupt the request.
    private static func accessToken(_ file: URL, format: SinkConfig.Webhook.Format) throws(ConfigError) -> String {
        let bytes = WebhookAlertSink.secret(fromFileContents: try read(file, what: "token_file"))
        let forbidden: Set<UInt8> = format == .telegram ? Set("/?#%".utf8) : []
        guard !bytes.isEmpty, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !forbidden.contains($0) }) else {
            throw ConfigError(
                kind: .unreadable, file: file.path,
                message: "the token_file does not hold one token (visible ASCII characters on one line); "
                    + "write only the access token into it")
        }
        return String(decoding: bytes, as: UTF8.self)
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
