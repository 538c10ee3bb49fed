import Foundation
import Logging
import NewswatchCore
import NewswatchParse
import TOMLKit

// The `[[alerts.sinks]]` array: one typed `SinkConfig` per entry, every problem collected with its key path.
extension ConfigParser {
    func parseSinks(_ root: TOMLTable, topicIDs: Set<String>) -> [SinkConfig] {
        guard let alerts = table(root, "alerts", path: "") else { return [] }
        checkKeys(alerts, path: "alerts", allowed: ["sinks"])
        var sinks: [SinkConfig] = []
        for (i, t) in arrayOfTables(alerts, "sinks", path: "alerts").enumerated() {
            let p = "alerts.sinks[\(i)]"
            guard let type = requiredString(t, "type", path: p) else { continue }
            guard let specific = ConfigParser.sinkKeys[type] else {
                let valid = ConfigParser.sinkKeys.keys.sorted()
                fail(
                    .invalidValue, join(p, "type"),
                    "unknown sink type '\(type)'\(didYouMean(type, valid)); use webhook, email or exec")
                continue
            }
            checkKeys(t, path: p, allowed: ConfigParser.sinkCommonKeys + specific)
            var common = SinkConfig.Common()
            if let list = stringArray(t, "topics", path: p) {
                for (j, id) in list.enumerated() where !topicIDs.contains(id) {
                    fail(
                        .badTopicID, "\(join(p, "topics"))[\(j)]",
                        "no topic has the id '\(id)'\(didYouMean(id, topicIDs.sorted())); list configured topic ids")
                }
                common.topics = list
            }
            common.maxPerHour = int(t, "max_per_hour", path: p, range: 1...100_000, example: 30)
            common.events = parseSinkEvents(t, path: p)
            switch type {
            case "webhook":
                if let webhook = parseWebhook(t, path: p, common: common) { sinks.append(.webhook(webhook)) }
            case "email":
                let urlText = requiredString(t, "url", path: p)
                var url: URL? = nil
                if let urlText {
                    if let u = URL(string: urlText), let s = u.scheme?.lowercased(), s == "smtp" || s == "smtps",
                        u.host?.isEmpty == false
                    {
                        url = u
                    } else {
                        fail(
                            .badURL, join(p, "url"),
                            "'\(URLRedaction.redact(urlText))' is not an SMTP server URL; write smtps://host[:port] or smtp://host[:port] "
                                + "(STARTTLS)")
                    }
                }
                let from = requiredString(t, "from", path: p)
                if let from, !ConfigParser.looksLikeAddress(from) {
                    fail(.invalidValue, join(p, "from"), "'\(from)' is not an e-mail address")
                }
                let to = stringArray(t, "to", path: p)
                if t["to"] == nil {
                    fail(.missingKey, p, "missing key 'to': the e-mail addresses to send alerts to")
                } else if let to, to.isEmpty {
                    fail(.invalidValue, join(p, "to"), "no recipient; list at least one e-mail address")
                }
                for (j, address) in (to ?? []).enumerated() where !ConfigParser.looksLikeAddress(address) {
                    fail(.invalidValue, "\(join(p, "to"))[\(j)]", "'\(address)' is not an e-mail address")
                }
                let username = nonEmptyString(t, "username", path: p)
                let password = nonEmptyString(t, "password_file", path: p).flatMap {
                    secretFile($0, path: join(p, "password_file"), key: "password_file")
                }
                let batch = duration(t, "batch", path: p, range: ConfigBounds.batch)
                if let url, let from, let to, !to.isEmpty {
                    sinks.append(
                        .email(
                            .init(
                                url: url, from: from, to: to, username: username, passwordFile: password,
                                batch: batch, common: common)))
                }
            default:
                guard t["command"] != nil else {
                    fail(
                        .missingKey, p,
                        "missing key 'command': the program and its arguments, e.g. [\"/usr/local/bin/notify\"]")
                    continue
                }
                guard var command = stringArray(t, "command", path: p) else { continue }
                guard let program = command.first, !program.isEmpty else {
                    fail(.invalidValue, join(p, "command"), "the command is empty; name a program to run")
                    continue
                }
                if program.contains("/") {
                    guard let file = existingFile(program, path: "\(join(p, "command"))[0]", what: "program")
                    else { continue }
                    command[0] = file.path
                }
                let timeout =
                    duration(t, "timeout", path: p, range: ConfigBounds.timeout) ?? SinkConfig.Exec.defaultTimeout
                sinks.append(.exec(.init(command: command, timeout: timeout, common: common)))
            }
        }
        return sinks
    }
}
