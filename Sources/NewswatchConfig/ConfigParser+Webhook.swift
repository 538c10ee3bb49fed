import Foundation
import NewswatchCore
import TOMLKit

// One `type = "webhook"` sink: `format` and the keys each chat format needs (CONTRACT §10).
extension ConfigParser {
    /// The keys only some formats take, and which.
    private static let formatKeys: [(key: String, formats: Set<SinkConfig.Webhook.Format>, what: String)] = [
        ("token_file", [.ntfy, .telegram, .matrix], "ntfy, telegram or matrix"),
        ("chat_id", [.telegram], "telegram"),
        ("room", [.matrix], "matrix"),
    ]

    /// The webhook sink in `t`, or `nil` after recording its problems (missing `url`, `token_file`, `chat_id`, `room`).
    func parseWebhook(_ t: TOMLTable, path p: String, common: SinkConfig.Common) -> SinkConfig.Webhook? {
        var format = SinkConfig.Webhook.Format.json
        if let f = string(t, "format", path: p) {
            if let v = SinkConfig.Webhook.Format(rawValue: f) {
                format = v
            } else {
                let valid = SinkConfig.Webhook.Format.allCases.map(\.rawValue)
                fail(
                    .invalidValue, join(p, "format"),
                    "'\(f)' is not a webhook format\(didYouMean(f, valid)); use " + valid.joined(separator: ", "))
                return nil
            }
        }
        for (key, formats, what) in Self.formatKeys where t[key] != nil && !formats.contains(format) {
            fail(.invalidValue, join(p, key), "\(key) applies to format = \(what) only; remove it or set the format")
        }
        var url: URL?
        if t["url"] == nil && format == .telegram {
            url = SinkConfig.Webhook.telegramDefaultURL
        } else if let s = requiredString(t, "url", path: p) {
            url = httpURL(s, path: join(p, "url"), what: "webhook")
        }
        let secret = nonEmptyString(t, "secret_file", path: p).flatMap {
            secretFile($0, path: join(p, "secret_file"), key: "secret_file")
        }
        var token: URL?
        if format == .telegram || format == .matrix, t["token_file"] == nil {
            fail(.missingKey, p, "missing key 'token_file': the file holding the \(format.rawValue) access token")
        } else if format == .ntfy || format == .telegram || format == .matrix {
            token = nonEmptyString(t, "token_file", path: p).flatMap {
                secretFile($0, path: join(p, "token_file"), key: "token_file")
            }
        }
        var chatID: String?
        if format == .telegram {
            if t["chat_id"] == nil {
                fail(.missingKey, p, "missing key 'chat_id': the chat to post to, e.g. chat_id = -1001234567890")
            } else if let n = t["chat_id"]?.int {
                chatID = String(n)
            } else {
                chatID = nonEmptyString(t, "chat_id", path: p)
            }
        }
        var room: String?
        if format == .matrix {
            if t["room"] == nil {
                fail(.missingKey, p, "missing key 'room': the room id to post to, e.g. room = \"!abc:example.org\"")
            } else if let r = nonEmptyString(t, "room", path: p) {
                if r.hasPrefix("!") && r.contains(":") {
                    room = r
                } else {
                    fail(
                        .invalidValue, join(p, "room"),
                        "'\(r)' is not a room id; write the room's id, \"!abc:example.org\"")
                }
            }
        }
        guard let url else { return nil }
        return SinkConfig.Webhook(
            url: url, format: format, secretFile: secret, tokenFile: token, chatID: chatID, room: room, common: common)
    }
}
