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
        var used: Set<String> = []
        for config in configs {
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
            sinks[sinks.count - 1].events = config.common.events
        }
        return sinks
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
