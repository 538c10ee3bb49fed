import Foundation
import NewswatchCore

/// One `[[alerts.sinks]]` entry (CONTRACT §4, §6). The file sink is always on and is not listed here.
public enum SinkConfig: Sendable, Equatable {
    case webhook(Webhook)
    case email(Email)
    case exec(Exec)

    /// Keys every sink type accepts.
    public struct Common: Sendable, Equatable {
        /// Topic ids this sink receives; `nil` means all topics.
        public var topics: [String]?
        /// Per topic; a summary message is sent when it trips. `nil`: no limit.
        public var maxPerHour: Int?
        /// Operator events this sink receives (CONTRACT §10 `events`); default none.
        public var events: Set<OperatorEventKind> = []

        /// The common keys; `nil`: all topics, no limit.
        public init(topics: [String]? = nil, maxPerHour: Int? = nil) {
            self.topics = topics
            self.maxPerHour = maxPerHour
        }
    }

    /// HTTP POST of each alert.
    public struct Webhook: Sendable, Equatable {
        /// `json` (the alert record) or `slack` (`{"text": …}`, Mattermost too); the daemon hands it to the sink.
        public enum Format: String, Sendable, CaseIterable {
            /// The alert record of CONTRACT §4.
            case json
            /// `{"text": …}` for Slack and Mattermost incoming webhooks.
            case slack
            /// A Teams incoming-webhook message with an Adaptive Card.
            case teams
            /// An ntfy publish to the topic URL.
            case ntfy
            /// A Telegram Bot API `sendMessage` (`token_file`, `chat_id` required).
            case telegram
            /// A Matrix `m.room.message` (`token_file`, `room` required).
            case matrix
        }

        /// Telegram's Bot API when `url` is not set.
        public static let telegramDefaultURL = URL(string: "https://api.telegram.org")!

        /// The endpoint (`http` or `https`).
        public var url: URL
        /// The body format.
        public var format: Format
        /// A file holding the HMAC-SHA256 key for a signature header; absolute.
        public var secretFile: URL?
        /// A file holding the access token (ntfy, Telegram, Matrix); absolute or a credential.
        public var tokenFile: URL?
        /// Telegram's `chat_id` (a number or `@channel`).
        public var chatID: String?
        /// Matrix's room id (`!abc:example.org`).
        public var room: String?
        /// The keys every sink accepts.
        public var common: Common

        /// A webhook sink entry.
        public init(
            url: URL, format: Format = .json, secretFile: URL? = nil, tokenFile: URL? = nil, chatID: String? = nil,
            room: String? = nil, common: Common = Common()
        ) {
            self.url = url
            self.format = format
            self.secretFile = secretFile
            self.tokenFile = tokenFile
            self.chatID = chatID
            self.room = room
            self.common = common
        }
    }

    /// SMTP through libcurl (`smtps://`, or `smtp://` with STARTTLS).
    public struct Email: Sendable, Equatable {
        /// The SMTP server (`smtps://` or `smtp://`).
        public var url: URL
        /// The sender address.
        public var from: String
        /// The recipient addresses.
        public var to: [String]
        /// The SMTP login, if the server wants one.
        public var username: String?
        /// A file holding the SMTP password; absolute.
        public var passwordFile: URL?
        /// One message per this much time of alerts; `nil`: one message per alert.
        public var batch: ConfigDuration?
        /// The keys every sink accepts.
        public var common: Common

        /// An email sink entry.
        public init(
            url: URL, from: String, to: [String], username: String? = nil, passwordFile: URL? = nil,
            batch: ConfigDuration? = nil, common: Common = Common()
        ) {
            self.url = url
            self.from = from
            self.to = to
            self.username = username
            self.passwordFile = passwordFile
            self.batch = batch
            self.common = common
        }
    }

    /// A command run with the alert JSON on stdin.
    public struct Exec: Sendable, Equatable {
        /// The program and its arguments; a relative program path containing `/` is resolved against the
        /// config file's directory, a bare name is looked up in `PATH` when run.
        public var command: [String]
        /// How long one run may take before it is killed.
        public var timeout: ConfigDuration
        /// The keys every sink accepts.
        public var common: Common

        /// `timeout` when unset.
        public static let defaultTimeout = ConfigDuration(seconds: 10)

        /// An exec sink entry.
        public init(command: [String], timeout: ConfigDuration = defaultTimeout, common: Common = Common()) {
            self.command = command
            self.timeout = timeout
            self.common = common
        }
    }

    /// `webhook`, `email` or `exec`.
    public var type: String {
        switch self {
        case .webhook: return "webhook"
        case .email: return "email"
        case .exec: return "exec"
        }
    }

    /// The keys shared by every type.
    public var common: Common {
        switch self {
        case .webhook(let w): return w.common
        case .email(let e): return e.common
        case .exec(let x): return x.common
        }
    }
}
